/**
 * The HTTP API for route tests: the real composition (`compose(config, { overrides: { wechat } })`) and app
 * (`buildApp(composed.deps)`) over in-memory SQLite and a ManualClock, with a scripted WeChat gateway, driven with
 * Fastify's `app.inject()` (no socket). `listen()` puts it on loopback for what needs one (event streams).
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { compose, type Composed } from '../../src/compose/compose.js';
import type { ComposedDeps } from '../../src/compose/deps.js';
import type { Config } from '../../src/config/schema.js';
import type { CallbackHooks } from '../../src/flows/oa/callback-hooks.js';
import { sessionKeyAad } from '../../src/flows/mp/mp-session.js';
import { buildApp } from '../../src/server/app.js';
import { type ScriptedWeChat, scriptedWeChat, type WeChatScript } from './scripted-wechat.js';
import { testConfig } from './test-apps.js';

export interface InjectAnswer<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: T;
  text: string;
}

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** A raw body (sent as is, with `headers`' content-type). */
  payload?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface RouteApp {
  app: FastifyInstance;
  deps: ComposedDeps;
  config: Config;
  clock: ManualClock;
  wechat: ScriptedWeChat;
  /** One request through `app.inject()`. */
  call<T = any>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options?: CallOptions): Promise<InjectAnswer<T>>;
  /**
   * A signed-in person: the identity (appid, openid) resolved as a login would (with the sealed session_key when
   * given) and a session token for it.
   */
  session(appid: string, openid: string, options?: { unionid?: string; sessionKey?: string }): Promise<{ token: string; userId: string }>;
  /** Listens on 127.0.0.1 (once) and gives the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface RouteAppOptions {
  configure?: (c: Config) => Config;
  /** The WeChat answers (more can be scripted later on `wechat.script`). */
  script?: WeChatScript;
  hooks?: CallbackHooks;
}

export async function startRouteApp(options: RouteAppOptions = {}): Promise<RouteApp> {
  const config = testConfig(options.configure);
  const clock = new ManualClock();
  const wechat = scriptedWeChat(options.script);
  const composed: Composed = await compose(config, { clock, ...(options.hooks ? { hooks: options.hooks } : {}), overrides: { wechat } });
  const app = await buildApp(composed.deps);
  const { deps } = composed;
  let url: string | undefined;
  return {
    app,
    deps,
    config,
    clock,
    wechat,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      const res = await app.inject({
        method,
        url: path,
        headers,
        ...(o.body !== undefined ? { payload: JSON.stringify(o.body), headers: { 'content-type': 'application/json', ...headers } } : {}),
        ...(o.payload !== undefined ? { payload: o.payload } : {}),
      });
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        body = res.body;
      }
      return { status: res.statusCode, headers: res.headers, body: body as never, text: res.body };
    },
    async session(appid, openid, s = {}) {
      const app = config.apps.find((a) => a.appid === appid)!;
      const { userId } = await deps.identity.resolve({
        unionKey: app.union,
        appid,
        openid,
        unionid: s.unionid ?? null,
        ...(s.sessionKey ? { sessionKeyEnc: deps.atRest.seal(s.sessionKey, sessionKeyAad(appid, openid)) } : {}),
      });
      const { token } = await deps.sessions.issue({ userId, appid, openid });
      return { token, userId };
    },
    async listen() {
      url ??= await app.listen({ port: 0, host: '127.0.0.1' });
      return url;
    },
    async close() {
      await app.close();
      await composed.close();
    },
  };
}

/**
 * A fresh app for every test of the file (started before each, closed after).
 * @example
 *   const api = useRouteApp();
 *   it('…', async () => expect((await api().call('GET', '/healthz')).status).toBe(200));
 */
export function useRouteApp(options: RouteAppOptions | (() => RouteAppOptions) = {}): () => RouteApp {
  let current: RouteApp | undefined;
  beforeEach(async () => {
    current = await startRouteApp(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useRouteApp(): the app is only there while a test runs');
    return current;
  };
}
