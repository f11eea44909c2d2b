/**
 * A weunion cluster of real processes for the cluster tests and bench/cluster.ts: N server processes
 * (test/cluster/instance.ts) on one PostgreSQL schema and one Redis key prefix (both fresh and private to the
 * cluster), one emulator process, and a round-robin proxy in front of the instances that WeChat's side talks to
 * (`publicUrl`: OAuth redirects; the official account's push callback). The instances share their keys through the
 * config, as a real deployment must.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { DEMO_APPS, demoConfig } from '../../src/config/demo-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { openStore } from '../../src/store/index.js';
import { jsonOk } from '../helpers/http.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { testKeyPrefix, TEST_REDIS_URL, type TestKeyPrefix } from '../helpers/redis.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;
const INSTANCE = path.resolve('test/cluster/instance.ts');
const EMULATOR = path.resolve('bench/servers/emulator.ts');

/**
 * The vitest limit of a cluster test: a guard against a hang, not a speed limit. The 2,000-login test takes ~76 s
 * alone on a 2-CPU VM and longer beside the rest of the suite; what fails a cluster test is a stall (see
 * flows.ts settle) or a broken invariant, never a slow machine.
 */
export const CLUSTER_TEST_TIMEOUT_MS = 900_000;

export interface ClusterOptions {
  instances: number;
  /** Changes to each instance's config (jobs, pools…) on top of the cluster's. */
  config?: Partial<ConfigInput>;
  /** The instances' pino level (default warn; their output is kept for failure messages). */
  logLevel?: string;
}

export interface ClusterProcess {
  url: string;
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Sends the signal and resolves once the process has exited (with its exit code, null when killed). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  alive: boolean;
}

export interface Cluster {
  instances: ClusterProcess[];
  live(): ClusterProcess[];
  emulator: ClusterProcess;
  proxy: RoundRobinProxy;
  schema: TestSchema;
  redis: TestKeyPrefix;
  /** A control call to the emulator (POST with a body, else GET); throws on non-2xx. */
  control<T = any>(pathname: string, body?: unknown, method?: string): Promise<T>;
  /** Moves the emulator's clock and (unless `emulatorOnly`) every live instance's, together. */
  advanceClock(seconds: number, options?: { emulatorOnly?: boolean }): Promise<void>;
  /** A query on the cluster's schema. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function startProcess(script: string, env: Record<string, string>): Promise<ClusterProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const proc: ClusterProcess = {
      url: '',
      child,
      alive: true,
      output: () => out,
      async kill(signal) {
        if (proc.alive) child.kill(signal);
        return exited;
      },
    };
    void exited.then(() => (proc.alive = false));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m && !proc.url) {
        proc.url = m[1]!;
        resolve(proc);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      if (!proc.url) reject(new Error(`${path.basename(script)} exited with ${code} before listening:\n${out}`));
    });
  });
}

async function sharedKeys(): Promise<{ atRestKey: string; signingJwk: string }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { atRestKey: randomBytes(32).toString('base64'), signingJwk: JSON.stringify(await exportJWK(privateKey)) };
}

/**
 * @example
 *   const cluster = await startCluster({ instances: 3 });
 *   try { … cluster.instances[0].url … } finally { await cluster.close(); }
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const schema = await createTestSchema();
  const redis = testKeyPrefix();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-cluster-'));
  const opened = await openStore(schema.url, { poolSize: 1 });
  const { error } = await opened.migrate(); // `weunion migrate`'s job: instances on PostgreSQL only check
  await opened.close();
  if (error) throw error;

  const proxy = await startRoundRobinProxy();
  const emulator = await startProcess(EMULATOR, {});
  const wx = emulator.url;
  const { wechat: _sandbox, ...demo } = demoConfig({ port: 0, dataDir });
  const config: ConfigInput = {
    ...demo,
    storage: schema.url,
    cache: `${TEST_REDIS_URL}?keyPrefix=${encodeURIComponent(redis.prefix)}`,
    publicUrl: proxy.url,
    keys: await sharedKeys(),
    // Every request of a test comes from 127.0.0.1: the login rate limit and the connection cap have their own tests.
    rateLimit: { perIpPerMinute: 1e9, perAppPerMinute: 1e9 },
    server: { ...demo.server, maxConnectionsPerIp: 0 },
    wechat: { baseUrl: wx, openBaseUrl: wx, mpBaseUrl: wx },
    jobs: { pollMs: 100, leaseMs: 5000, concurrency: 8 },
    // Two cluster test files may run at once on one PostgreSQL (max_connections 100 by default).
    storagePoolSize: 8,
    ...options.config,
  };
  const env = { WEUNION_CLUSTER_CONFIG: JSON.stringify(config), LOG_LEVEL: options.logLevel ?? 'warn' };
  const instances = await Promise.all(Array.from({ length: options.instances }, () => startProcess(INSTANCE, env)));
  proxy.setBackends(instances.map((i) => i.url));

  const control = <T>(pathname: string, body?: unknown, method?: string): Promise<T> => jsonOk<T>(wx + pathname, body, method);
  await control(`/__emulator/apps/${DEMO_APPS.oa}`, { callbackUrl: `${proxy.url}/v1/oa/${DEMO_APPS.oa}/callback` }, 'PATCH');

  const db = new pg.Client({ connectionString: schema.url });
  await db.connect();

  const cluster: Cluster = {
    instances,
    live: () => instances.filter((i) => i.alive),
    emulator,
    proxy,
    schema,
    redis,
    control,
    async advanceClock(seconds, opts = {}) {
      await control('/__emulator/clock', { advanceSeconds: seconds });
      if (opts.emulatorOnly) return;
      await Promise.all(
        cluster.live().map(
          (i) =>
            new Promise<void>((resolve) => {
              const onMessage = (m: { advanced?: number }) => {
                if (m?.advanced !== seconds) return;
                i.child.off('message', onMessage);
                resolve();
              };
              i.child.on('message', onMessage);
              i.child.send({ advanceSeconds: seconds });
            }),
        ),
      );
    },
    async sql<T>(text: string, params: unknown[] = []) {
      return (await db.query(text, params)).rows as T[];
    },
    async close() {
      await Promise.all(instances.map((i) => i.kill('SIGTERM')));
      await emulator.kill('SIGTERM');
      await proxy.close();
      await db.end();
      await schema.drop();
      await redis.clean();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}
