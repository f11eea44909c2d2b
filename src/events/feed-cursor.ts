/**
 * The pull feed's cursor (`GET /v1/admin/events?after=`): opaque to businesses, versioned for us. It is the
 * base64url of `v1:<id of the last event handed out>`, so it needs no state and stays valid across restarts and
 * instances (the id is the outbox's primary key). Anything else is refused rather than read as "from the start".
 */
const VERSION = 'v1';

export function encodeFeedCursor(lastId: number): string {
  return Buffer.from(`${VERSION}:${lastId}`, 'utf8').toString('base64url');
}

/** The last event id behind `cursor`, or undefined when it is not a cursor this feed writes. */
export function decodeFeedCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const m = /^v1:(0|[1-9][0-9]{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) return undefined;
  const id = Number(m[1]);
  // Re-encoding must give the same text: no padding or stray bits smuggled into an "equivalent" cursor.
  return Number.isSafeInteger(id) && encodeFeedCursor(id) === cursor ? id : undefined;
}
