/**
 * The pull feed's cursor (`GET /v1/admin/events?after=`): opaque to businesses, versioned for us. It is the
 * base64url of `v2:<tx>.<id>` of the last event handed out (the feed walks commit order, migration 0014), so it needs
 * no state and stays valid across restarts and instances. A `v1:<id>` cursor (written before 0014) still reads, as
 * tx 0: every event it could have pointed at was written before 0014 and has tx 0. Anything else is refused rather
 * than read as "from the start".
 */
import type { FeedPosition } from '../store/port.js';

const INT = '(0|[1-9][0-9]{0,15})';

export function encodeFeedCursor(last: FeedPosition): string {
  return Buffer.from(`v2:${last.tx}.${last.id}`, 'utf8').toString('base64url');
}

/** The feed position behind `cursor`, or undefined when it is not a cursor this feed writes or wrote. */
export function decodeFeedCursor(cursor: string): FeedPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,96}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Re-encoding must give the same text: no padding or stray bits smuggled into an "equivalent" cursor.
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) return undefined;
  const v2 = new RegExp(`^v2:${INT}\\.${INT}$`).exec(text);
  const v1 = new RegExp(`^v1:${INT}$`).exec(text);
  const position = v2 ? { tx: Number(v2[1]), id: Number(v2[2]) } : v1 ? { tx: 0, id: Number(v1[1]) } : undefined;
  return position && Number.isSafeInteger(position.tx) && Number.isSafeInteger(position.id) ? position : undefined;
}
