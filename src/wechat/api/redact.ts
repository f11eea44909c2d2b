/**
 * Keeps secrets out of errors: the values we send under sensitive names (secret, js_code, access_token…)
 * are scrubbed from anything WeChat or the network stack hands back before it lands in an error.
 */

/** Parameter names whose values must never appear in an error, a log line or a response. */
export const SENSITIVE_PARAMS: ReadonlySet<string> = new Set([
  'secret',
  'appsecret',
  'js_code',
  'code',
  'access_token',
  'refresh_token',
  'signature',
  'session_key',
]);

/** A function that replaces every sensitive value found in `query`/`body` with `[redacted]`. */
export function redactor(...sources: (Readonly<Record<string, unknown>> | undefined)[]): (text: string) => string {
  const values: string[] = [];
  for (const src of sources) {
    for (const [k, v] of Object.entries(src ?? {})) {
      if (SENSITIVE_PARAMS.has(k) && typeof v === 'string' && v !== '') values.push(v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2));
    }
  }
  // Longest first, so a value that contains another is replaced whole.
  values.sort((a, b) => b.length - a.length);
  return (text) => values.reduce((t, v) => t.split(v).join('[redacted]'), text);
}

/** A short, secret-free reason for a failed fetch: the errno/undici code when there is one. */
export function transportReason(e: unknown): string {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  }
  return 'network error';
}

/** A copy of a fetch failure (message chain and code only) with sensitive values scrubbed. */
export function safeCause(e: unknown, redact: (text: string) => string): Error {
  const parts: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    parts.push(cur instanceof Error ? `${cur.name}: ${cur.message}` : String(cur));
  }
  const copy = new Error(redact(parts.join(' <- ')));
  copy.name = 'WeChatFetchFailure';
  return Object.assign(copy, { code: transportReason(e) });
}
