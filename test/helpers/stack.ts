/**
 * A whole weunion on loopback for tests: the emulator and the server, each on its own port, sharing one virtual
 * clock, over a fresh SQLite file (or a PostgreSQL schema). Everything goes through real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { ManualClock } from '../../src/clock.js';
import type { HttpTransport } from '../../src/wechat/api/http-transport.js';
import { DEMO_APPS, demoConfig } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { createEmulator } from '../../src/emulator/index.js';
import { buildApp } from '../../src/server/app.js';
import { type ComposeOverrides, compose } from '../../src/compose/compose.js';
import type { ComposedDeps } from '../../src/compose/deps.js';
import { emulatorAppsFor, officialAccountCallbacks } from '../../src/cli/sandbox/emulator-apps.js';
import { createUndiciTransport } from '../../src/wechat/api/http-transport.js';
import { createLeakRecorder, type LeakRecorder } from '../leaks/recorder.js';
import { type CookieJar, createCookieJar } from './cookie-jar.js';

/**
 * `configure` for a stack whose mini programs are trusted with decrypted unionids (`trustDecryptedUnionid`): the
 * seeds' world, where the decrypt road joins and merges users. The default keeps decrypted unionids as claims.
 */
export function trustDecryptedUnionids(config: Config): Config {
  return { ...config, apps: config.apps.map((a) => (a.kind === 'miniprogram' ? { ...a, trustDecryptedUnionid: true } : a)) };
}

export interface StackOptions {
  unionidRule?: 'current' | 'legacy';
  rotateSessionKeyOnLogin?: boolean;
  /** A storage URL; default a fresh SQLite file in a temp folder. */
  storage?: string;
  /** Tweak the parsed config before composing. */
  configure?: (config: Config) => Config;
  /** A pino logger for the server (default none). */
  logger?: FastifyBaseLogger;
  /** The HTTP transport the server uses to reach the emulator (default undici). */
  fetch?: HttpTransport;
  /** Parts to replace in the composition (compose()'s overrides): e.g. a wrapper of the WeChat gateway. */
  overrides?: ComposeOverrides;
  /** How the emulator pushes to the official-account callback (default: safe, since the sandbox OA has a key). */
  messageMode?: 'plain' | 'compatible' | 'safe';
  /** Emulator options beyond the defaults (e.g. pushTimeoutMs). */
  emulatorOptions?: Record<string, unknown>;
  /**
   * Secret-leak scan (test/leaks/): a folder that receives the server's debug log, every response body `api()` saw
   * and, at close, the stack's secrets; `npm run test:leaks` scans them. Default `WEUNION_LEAK_SCAN`; false = off.
   */
  leakScan?: string | false;
}

export interface Stack {
  serverUrl: string;
  emulatorUrl: string;
  apps: typeof DEMO_APPS;
  clock: ManualClock;
  config: Config;
  deps: ComposedDeps;
  /** The data folder (keys.json, SQLite file). */
  dataDir: string;
  emulator: Awaited<ReturnType<typeof createEmulator>>;
  createPerson(options?: { name?: string; riskBlocked?: boolean; declinesUserInfo?: boolean }): Promise<string>;
  /** POST a JSON control call to the emulator and return the parsed body (throws on non-2xx). */
  control<T = unknown>(pathname: string, body?: unknown, method?: string): Promise<T>;
  /** Runs every due durable job now (official-account lookups…); returns how many ran. */
  runJobs(): Promise<number>;
  /** Waits until the emulator's pushes are all answered, then drains the jobs they enqueued. */
  settle(): Promise<void>;
  /** The browser `api()` plays: its cookies (e.g. a scan-to-follow login's binding), for raw fetches of the same page. */
  browser: CookieJar;
  /** POST JSON to weunion; returns status and parsed body. */
  api<T = any>(pathname: string, body?: unknown, options?: { token?: string; method?: string }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-test-'));
  const clock = new ManualClock();
  // Tests fire many logins from one IP: the login rate limit has its own tests (test/server/plugins/rate-limit.test.ts).
  let config = parseConfig({ ...demoConfig({ port: 0, dataDir: dir }), wechat: {}, rateLimit: { perIpPerMinute: 1_000_000, perAppPerMinute: 1_000_000 } });
  // A test's fresh PostgreSQL schema is migrated at start (production PostgreSQL defaults to `check`).
  if (options.storage) config = { ...config, storage: options.storage, migrations: 'auto' };
  if (options.messageMode) {
    // The console's mode is one setting at WeChat and in weunion: both sides get it.
    const mode = options.messageMode;
    config = { ...config, apps: config.apps.map((a) => (a.kind === 'officialAccount' ? { ...a, callbackMode: mode } : a)) };
  }
  if (options.configure) config = options.configure(config);
  const emulator = await createEmulator({
    apps: emulatorAppsFor(config),
    unionidRule: options.unionidRule ?? 'legacy',
    rotateSessionKeyOnLogin: options.rotateSessionKeyOnLogin ?? false,
    clock,
    logger: false,
    ...(options.emulatorOptions ?? {}),
  });
  const emulatorUrl = await emulator.listen({ port: 0, host: '127.0.0.1' });
  config = Object.freeze({ ...config, wechat: { ...config.wechat, baseUrl: emulatorUrl, openBaseUrl: emulatorUrl, mpBaseUrl: emulatorUrl } });
  const leakDir = options.leakScan ?? process.env.WEUNION_LEAK_SCAN;
  const leaks: LeakRecorder | null = leakDir ? createLeakRecorder(leakDir) : null;
  const ownTransport = leaks && !options.fetch ? createUndiciTransport() : null;
  const transport = leaks ? leaks.spy(options.fetch ?? ownTransport!) : options.fetch;
  const composed = await compose(config, {
    clock,
    logger: options.logger ?? leaks?.logger ?? false,
    ...(transport ? { fetch: transport } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const app = await buildApp(composed.deps);
  const serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const { appid, callbackUrl } of officialAccountCallbacks(config, serverUrl)) {
    emulator.configureApp(appid, { callbackUrl, ...(options.messageMode ? { messageMode: options.messageMode } : {}) });
  }
  // As at WeChat, the browser is sent only to each OAuth app's registered domain: the server's (publicUrl's, if set).
  const oauthDomain = new URL(config.publicUrl ?? serverUrl).host;
  for (const a of config.apps) if (a.kind === 'officialAccount' || a.kind === 'website') emulator.configureApp(a.appid, { oauthDomain });
  // Setting a callback URL makes the emulator verify it (an echostr GET, as WeChat's console does): let that land
  // before the test starts, so it is not counted as the test's own request.
  await emulator.settlePushes();

  async function control<T>(pathname: string, body?: unknown, method = 'POST'): Promise<T> {
    const res = await fetch(emulatorUrl + pathname, {
      method,
      // A control POST is JSON even without a body (src/emulator/control-guard.ts).
      headers: body === undefined && method !== 'POST' ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${pathname} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const browser = createCookieJar();
  async function api<T>(pathname: string, body?: unknown, opts: { token?: string; method?: string } = {}) {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    // One browser: the cookies weunion sets (a scan-to-follow login's binding) go back with later calls.
    const res = await browser.fetch(serverUrl + pathname, {
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    leaks?.response(opts.method ?? (body === undefined ? 'GET' : 'POST'), pathname, res.status, text);
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  return {
    serverUrl,
    emulatorUrl,
    apps: DEMO_APPS,
    clock,
    config,
    deps: composed.deps,
    dataDir: dir,
    emulator,
    createPerson: async (opts = {}) => (await control<{ id: string }>('/__emulator/persons', opts)).id,
    control,
    api,
    browser,
    runJobs: () => composed.deps.jobs.runDue(),
    async settle() {
      for (let i = 0; i < 200; i++) {
        const pushes = await control<Array<{ done: boolean }>>('/__emulator/pushes', undefined, 'GET');
        if (pushes.every((p) => p.done)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      while ((await composed.deps.jobs.runDue()) > 0);
    },
    async close() {
      await app.close();
      await composed.close();
      await emulator.close();
      await ownTransport?.close();
      leaks?.finish({ config, dataDir: dir, sessionKeys: emulatorSessionKeys(emulator, config) });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every current session_key the emulator holds for the stack's mini programs (for the leak scan). */
function* emulatorSessionKeys(emulator: Stack['emulator'], config: Config): Iterable<[string, string]> {
  const mps = config.apps.filter((a) => a.kind === 'miniprogram').map((a) => a.appid);
  for (const p of emulator.state.persons()) {
    for (const appid of mps) {
      const key = emulator.state.sessionKey(p.id, appid);
      if (key) yield [`session_key of ${p.id} in ${appid}`, key];
    }
  }
}
