/**
 * A tiny programmable stand-in for api.weixin.qq.com, on 127.0.0.1:0, for the client's tests
 * (independent of src/emulator on purpose). Each test installs handlers per "METHOD /path" and
 * reads back what was called.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { WeChatHttp } from '../../src/wechat/api/request.js';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  rawUrl: string;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply, call: RecordedCall) => unknown;

export interface FakeUpstream {
  baseUrl: string;
  calls: RecordedCall[];
  /** Installs (or replaces) the handler of `method path`. */
  on(method: 'GET' | 'POST', path: string, handler: Handler): void;
  /** Calls recorded for one path. */
  callsTo(path: string): RecordedCall[];
  reset(): void;
  close(): Promise<void>;
}

/** Sends `value` as JSON text under a Content-Type WeChat is known to use for it (not necessarily JSON's). */
export function sendJson(reply: FastifyReply, value: unknown, contentType = 'text/plain'): FastifyReply {
  return reply.code(200).header('content-type', contentType).send(JSON.stringify(value));
}

/** Kills the connection without an HTTP answer. */
export function dropConnection(req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  req.raw.socket.destroy();
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const handlers = new Map<string, Handler>();
  const calls: RecordedCall[] = [];
  app.all('/*', async (req, reply) => {
    const url = new URL(req.url, 'http://x');
    const call: RecordedCall = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: req.body,
      rawUrl: req.url,
    };
    calls.push(call);
    const h = handlers.get(`${req.method} ${url.pathname}`);
    if (!h) return reply.code(404).send('no handler');
    return h(req, reply, call);
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl: address,
    calls,
    on: (method, path, handler) => void handlers.set(`${method} ${path}`, handler),
    callsTo: (path) => calls.filter((c) => c.path === path),
    reset: () => {
      handlers.clear();
      calls.length = 0;
    },
    close: () => app.close(),
  };
}

/**
 * The fake upstream of one test file: started before its tests, reset (handlers and calls) before each one — before
 * the file's own beforeEach, which may install handlers —, closed after them. Call it at the top of the file.
 * @example
 *   const up = useFakeUpstream();
 *   beforeEach(() => up().on('GET', '/cgi-bin/token', (_q, r) => sendJson(r, { access_token: 'T', expires_in: 7200 })));
 */
export function useFakeUpstream(): () => FakeUpstream {
  let up: FakeUpstream | undefined;
  beforeAll(async () => {
    up = await startFakeUpstream();
  });
  afterAll(async () => {
    await up?.close();
  });
  beforeEach(() => up?.reset());
  return () => {
    if (!up) throw new Error('useFakeUpstream(): the upstream is only there while the tests run');
    return up;
  };
}

/** A WeChatHttp client of the fake upstream that does not sleep between its retries (made once, on first use). */
export function noSleepHttp(up: () => FakeUpstream): () => WeChatHttp {
  let http: WeChatHttp | undefined;
  return () => (http ??= new WeChatHttp({ baseUrl: up().baseUrl, sleep: async () => undefined }));
}
