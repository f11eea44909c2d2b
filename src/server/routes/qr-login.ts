/**
 * Scan-to-follow website login (a website without an Open Platform website app logs people in through the
 * official account): `POST /v1/oa/:appid/qr-login` → `{ id, qrUrl, ticket, expiresAt, expiresIn }`; the page
 * shows the QR code and follows `GET /v1/qr-login/:id` through `pending` → `scanned` → `done` (with a one-time
 * `loginCode` for `POST /v1/session/exchange`), either by long-polling (`?wait=<s>&since=<status>` answers as soon as
 * the status differs from `since`, default `pending`, or after `wait` seconds, at most 30) or as server-sent events
 * (`Accept: text/event-stream`: one `status` event per change, then the stream ends after `done` or an `error` event).
 * Expired, used and unknown logins are 410/410/404 with ERR_QR_LOGIN_EXPIRED / _USED / _NOT_FOUND.
 * The callback's subscribe/SCAN event moves the state (routes/oa-callback.ts, jobs/handlers.ts); state is in the store,
 * so any instance can answer the polls.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import { AppError, isAppError } from '../../errors.js';
import type { QrLogin, QrLoginState } from '../../flows/qr-login/qr-login.js';
import { parseOrThrow } from '../../parse-or-throw.js';

/** How often a waiting poll or stream re-reads the store. */
export const QR_LOGIN_POLL_MS = 250;
const MAX_WAIT_SECONDS = 30;
const HEARTBEAT_MS = 15_000;

const appidParams = z.object({ appid: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/) });
const idParams = z.object({ id: z.string().min(1).max(64) });
const pollQuery = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0),
  since: z.enum(['pending', 'scanned']).default('pending'),
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Aborts when the client goes away (the response closes before it ends) or the server shuts down. */
function requestSignal(reply: FastifyReply, closing: AbortSignal): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  return AbortSignal.any([gone.signal, closing]);
}

export function registerQrLogin(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>): void {
  const qr = deps.flows.qrLogin;
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.post('/v1/oa/:appid/qr-login', async (request) => {
    const { appid } = parseOrThrow(appidParams, request.params, 'path');
    const wxApp = requireApp(deps.config, appid, 'officialAccount');
    return qr.create(wxApp);
  });

  app.get('/v1/qr-login/:id', async (request, reply) => {
    const { id } = parseOrThrow(idParams, request.params, 'path');
    const query = parseOrThrow(pollQuery, request.query, 'query');
    if (/\btext\/event-stream\b/.test(request.headers.accept ?? '')) {
      await qr.read(id, { peek: true }); // unknown/expired/used: a plain JSON error before any stream starts
      return stream(qr, request, reply, id, requestSignal(reply, closing.signal));
    }
    const signal = requestSignal(reply, closing.signal);
    // Waiting is real time (a socket held open); expiry is the injected clock's (qrLogin.read).
    const deadline = Date.now() + query.wait * 1000;
    for (;;) {
      const state = await qr.read(id);
      if (closing.signal.aborted) reply.header('connection', 'close'); // do not keep a shutting-down server's socket alive
      if (state.status !== query.since || Date.now() >= deadline || signal.aborted) return state;
      await sleep(Math.min(QR_LOGIN_POLL_MS, deadline - Date.now()), signal);
    }
  });
}

/** Server-sent events until `done`, an error (expired/used), the client leaving or the server closing. */
async function stream(qr: Pick<QrLogin, 'read'>, request: FastifyRequest, reply: FastifyReply, id: string, signal: AbortSignal): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // One stream per connection: when it ends (done, error, shutdown) the socket goes too (EventSource reconnects anew).
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let last: QrLoginState['status'] | undefined;
  let lastWrite = Date.now();
  try {
    while (!signal.aborted) {
      let state: QrLoginState;
      try {
        state = await qr.read(id);
      } catch (err) {
        if (!isAppError(err)) throw err;
        send('error', err.toBody());
        return;
      }
      if (state.status !== last) {
        send('status', state);
        last = state.status;
        lastWrite = Date.now();
        if (state.status === 'done') return;
      } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await sleep(QR_LOGIN_POLL_MS, signal);
    }
  } catch (err) {
    request.log.error({ err }, 'qr-login event stream failed');
    send('error', new AppError('ERR_INTERNAL').toBody());
  } finally {
    res.end();
  }
}
