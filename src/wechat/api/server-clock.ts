/**
 * How far this machine's clock is from WeChat's, read off the `Date` header of one answer (RFC 9110 §6.6.1). A
 * clock minutes off makes callback timestamps fall outside their window and tokens look expired early or late;
 * `weunion doctor` reports it. Second resolution, so only a difference of several seconds means anything.
 */

/** Our clock minus the server's, in seconds (the midpoint of the request stands for "now"); null without a Date. */
export async function serverClockSkew(fetchFn: typeof fetch, baseUrl: string, now: () => number, timeoutMs: number): Promise<number | null> {
  const started = now();
  const res = await fetchFn(new URL('/', baseUrl), { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
  const ended = now();
  await res.body?.cancel();
  const date = res.headers.get('date');
  const theirs = date === null ? Number.NaN : Date.parse(date);
  if (Number.isNaN(theirs)) return null;
  return Math.round(((started + ended) / 2 - theirs) / 1000);
}
