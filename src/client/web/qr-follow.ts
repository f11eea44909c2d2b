/**
 * Following a scan-to-follow login until it is done (src/server/routes/qr-login.ts): server-sent events when the
 * page has `EventSource` (one `status` event per change), else — or as soon as the stream fails, ends early or
 * reports an error — long polls (`?wait=&since=`), which also surface the error (expired, used, another browser)
 * with its HTTP status. Resolves the `done` state with its one-time `loginCode`.
 */
import { CLIENT_ERROR_CODES, WeUnionClientError } from '../errors.js';
import type { EventSourceConstructor } from './browser-like.js';
import type { WebHttp } from './web-http.js';

export type QrLoginStatus = 'pending' | 'scanned' | 'done';

export interface QrLoginState {
  id: string;
  status: QrLoginStatus;
  expiresAt: number;
  loginCode?: string;
}

export interface FollowOptions {
  /** Called once per status seen (`pending`, `scanned`, `done`), in order. */
  onStatus?(state: QrLoginState): void;
  signal?: AbortSignal;
  /** Seconds each long poll may wait (1–30); default 25. */
  waitSeconds?: number;
}

const isState = (v: unknown): v is QrLoginState =>
  typeof v === 'object' && v !== null && typeof (v as QrLoginState).status === 'string' && typeof (v as QrLoginState).id === 'string';

export async function followQrLogin(
  http: WebHttp,
  ES: EventSourceConstructor | null,
  url: string,
  options: FollowOptions = {},
): Promise<QrLoginState & { loginCode: string }> {
  let last: QrLoginStatus | undefined;
  const see = (state: QrLoginState) => {
    if (state.status !== last) options.onStatus?.(state);
    last = state.status;
  };
  if (ES) {
    const done = await viaEvents(ES, url, see, options.signal);
    if (done) return done;
  }
  const wait = Math.min(30, Math.max(1, Math.floor(options.waitSeconds ?? 25)));
  for (;;) {
    options.signal?.throwIfAborted();
    // The first read answers at once (the status now, or the error); then each poll waits for a change.
    const query = last === undefined ? '' : `?wait=${wait}&since=${last === 'scanned' ? 'scanned' : 'pending'}`;
    const state = await http('GET', url + query, options.signal ? { signal: options.signal } : {});
    if (!isState(state)) throw new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, { message: 'unexpected QR login state' });
    see(state);
    if (state.status === 'done') return withCode(state);
  }
}

function withCode(state: QrLoginState): QrLoginState & { loginCode: string } {
  if (typeof state.loginCode !== 'string') throw new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, { message: 'done without a login code' });
  return state as QrLoginState & { loginCode: string };
}

/** The stream until `done` (resolved) or anything else (null: the caller polls). Aborting rejects. */
function viaEvents(
  ES: EventSourceConstructor,
  url: string,
  see: (s: QrLoginState) => void,
  signal: AbortSignal | undefined,
): Promise<(QrLoginState & { loginCode: string }) | null> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const es = new ES(url, { withCredentials: true });
    const finish = (fn: () => void) => {
      es.close();
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort);
    es.addEventListener('status', (event) => {
      let state: unknown;
      try {
        state = JSON.parse(String(event.data));
      } catch {
        return finish(() => resolve(null));
      }
      if (!isState(state)) return finish(() => resolve(null));
      see(state);
      if (state.status === 'done') finish(() => (typeof state.loginCode === 'string' ? resolve(withCode(state)) : resolve(null)));
    });
    // A server `error` event, a refused stream (404/410 JSON) or a dropped one: the polls say what it was.
    es.addEventListener('error', () => finish(() => resolve(null)));
  });
}
