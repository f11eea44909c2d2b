/**
 * One push attempt on the wire: POST the XML, wait at most `timeoutMs` (WeChat's 5 s — a real timer, the only
 * one the emulator uses) for the whole answer, then drop the connection. A fresh connection per attempt
 * (`agent: false`), so nothing is left open between attempts or after `close()`.
 */
import http from 'node:http';
import https from 'node:https';

/** What came back: an HTTP status and the body, or why there was no answer. */
export type SendOutcome = { ok: true; status: number; body: string } | { ok: false; error: string };

/** The timer functions a push uses: injectable, so a test can count the timers the simulator itself leaves. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const GLOBAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Answers longer than this are cut off (WeChat's passive replies are small). */
const MAX_ANSWER_BYTES = 1 << 20;

/**
 * POSTs `body` to `url` as `text/xml`. Never rejects: timeouts, refused or dropped connections and cancellation
 * (through `signal`) come back as `{ ok: false, error }`.
 */
export function sendPush(url: URL, body: string, timeoutMs: number, signal: AbortSignal, timers: Timers = GLOBAL_TIMERS): Promise<SendOutcome> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ ok: false, error: 'cancelled' });
    let settled = false;
    const finish = (outcome: SendOutcome): void => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(outcome);
    };
    const payload = Buffer.from(body, 'utf8');
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'text/xml', 'content-length': payload.length, 'user-agent': 'Mozilla/4.0' },
    });
    const timer = timers.setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs);
    const onAbort = (): void => finish({ ok: false, error: 'cancelled' });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, error: `connection error: ${e.code ?? e.message}` }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return finish({ ok: false, error: 'answer too large' });
        chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, error: `connection error: ${e.code ?? e.message}` }));
      res.on('aborted', () => finish({ ok: false, error: 'connection error: aborted' }));
    });
    req.end(payload);
  });
}
