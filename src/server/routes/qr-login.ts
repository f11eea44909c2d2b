/**
 * Scan-to-follow website login (a website without an Open Platform website app logs people in through the
 * official account): `POST /v1/oa/:appid/qr-login` → `{ id, qrUrl, ticket, expiresAt, expiresIn }`; the page
 * shows the QR code and follows `GET /v1/qr-login/:id` through `pending` → `scanned` → `done` (with a one-time
 * `loginCode` for `POST /v1/session/exchange`), either by long-polling (`?wait=<s>&since=<status>` answers as soon as
 * the status differs from `since`, default `pending`, or after `wait` seconds, at most 30) or as server-sent events
 * (`Accept: text/event-stream`: one `status` event per change, then the stream ends after `done` or an `error` event).
 * Expired, used and unknown logins are 410/410/404 with ERR_QR_LOGIN_EXPIRED / _USED / _NOT_FOUND; the login code
 * goes only to the browser that created the login (its cookie, http/qr-login-cookie.ts), others get 403
 * ERR_QR_LOGIN_BROWSER_MISMATCH. The callback's subscribe/SCAN event moves the state (flows/oa/oa-push.ts, the lookup
 * job); state is in the store, so any instance can answer the polls, and a change wakes the waiters of every instance
 * (FlowSignals), with a re-read every `flows.qrLoginRecheckMs` as the fallback. Creation is rate-limited per IP and
 * per app (plugins/rate-limit.ts; each costs WeChat a qrcode/create); waiting requests are capped (http/waiter-budget.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import { AppError, isAppError } from '../../errors.js';
import type { QrLogin, QrLoginState } from '../../flows/qr-login/qr-login.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { qrLoginCookieMatches, setQrLoginCookie } from '../http/qr-login-cookie.js';
import { createWaiterBudget } from '../http/waiter-budget.js';
import { described } from '../http/route-contract.js';

const MAX_WAIT_SECONDS = 30;
const HEARTBEAT_MS = 15_000;

const appidParams = z.object({ appid: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/) });
const idParams = z.object({ id: z.string().min(1).max(64) });
const pollQuery = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0),
  since: z.enum(['pending', 'scanned']).default('pending'),
});

/** Aborts when the client goes away (the response closes before it ends) or the server shuts down. */
function requestSignal(reply: FastifyReply, closing: AbortSignal): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  return AbortSignal.any([gone.signal, closing]);
}

export function registerQrLogin(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>): void {
  const qr = deps.flows.qrLogin;
  const { qrLoginMaxWaiters, qrLoginMaxWaitersPerIp, qrLoginRecheckMs, qrLoginTtlSeconds } = deps.config.flows;
  const budget = createWaiterBudget({ total: qrLoginMaxWaiters, perIp: qrLoginMaxWaitersPerIp });
  const enter = (request: FastifyRequest, reply: FastifyReply): (() => void) => {
    try {
      return budget.enter(request.ip);
    } catch (e) {
      reply.header('retry-after', '2');
      throw e;
    }
  };
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.post(
    '/v1/oa/:appid/qr-login',
    described({ summary: 'Create a scan-to-follow login (a temporary QR code)', params: appidParams }),
    async (request, reply) => {
      const { appid } = parseOrThrow(appidParams, request.params, 'path');
      const wxApp = requireApp(deps.config, appid, 'officialAccount');
      const { binding, ...created } = await qr.create(wxApp);
      setQrLoginCookie(request, reply, created.id, binding, qrLoginTtlSeconds);
      reply.header('cache-control', 'no-store');
      return created;
    },
  );

  app.get(
    '/v1/qr-login/:id',
    described({ summary: 'Poll (or stream, Accept: text/event-stream) a scan-to-follow login', params: idParams, query: pollQuery }),
    async (request, reply) => {
      const { id } = parseOrThrow(idParams, request.params, 'path');
      const query = parseOrThrow(pollQuery, request.query, 'query');
      const browser = (storedHash: unknown) => qrLoginCookieMatches(request, id, storedHash);
      reply.header('cache-control', 'no-store');
      if (/\btext\/event-stream\b/.test(request.headers.accept ?? '')) {
        await qr.read(id, { peek: true }); // unknown/expired/used: a plain JSON error before any stream starts
        const release = enter(request, reply);
        try {
          return await stream(qr, request, reply, id, browser, requestSignal(reply, closing.signal), qrLoginRecheckMs);
        } finally {
          release();
        }
      }
      const first = await qr.read(id, { browser });
      if (first.status !== query.since || query.wait === 0) return first;
      const release = enter(request, reply);
      try {
        const signal = requestSignal(reply, closing.signal);
        // Waiting is real time (a socket held open); expiry is the injected clock's (qrLogin.read).
        const deadline = Date.now() + query.wait * 1000;
        for (;;) {
          await qr.changed(id, Math.min(qrLoginRecheckMs, deadline - Date.now()), signal);
          const state = await qr.read(id, { browser });
          if (closing.signal.aborted) reply.header('connection', 'close'); // do not keep a shutting-down server's socket alive
          if (state.status !== query.since || Date.now() >= deadline || signal.aborted) return state;
        }
      } finally {
        release();
      }
    },
  );
}

/** Server-sent events until `done`, an error (expired/used/another browser), the client leaving or the server closing. */
async function stream(
  qr: Pick<QrLogin, 'read' | 'changed'>,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  browser: (storedHash: unknown) => boolean,
  signal: AbortSignal,
  recheckMs: number,
): Promise<void> {
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
        state = await qr.read(id, { browser });
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
      await qr.changed(id, Math.min(recheckMs, HEARTBEAT_MS - (Date.now() - lastWrite)), signal);
    }
  } catch (err) {
    request.log.error({ err }, 'qr-login event stream failed');
    send('error', new AppError('ERR_INTERNAL').toBody());
  } finally {
    res.end();
  }
}
