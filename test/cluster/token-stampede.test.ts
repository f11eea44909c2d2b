/**
 * The access_token stampede across 4 weunion processes sharing one Redis: 4 × 200 concurrent calls that need the
 * official account's token (POST /v1/oa/:appid/qr-login → cgi-bin/qrcode/create) cost exactly one stable_token call
 * at WeChat — when time moves past the token's expiry for everyone, when only WeChat's clock does (every instance
 * then meets 42001 on the shared token), and when the token is killed upstream (40001: exactly one refetch).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { redisAvailable } from '../helpers/redis.js';
import { CLUSTER_TEST_TIMEOUT_MS, startCluster, type Cluster } from './cluster.js';

const up = (await postgresAvailable()) && (await redisAvailable());

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const PER_INSTANCE = 200;
const TOKEN = '/cgi-bin/stable_token';

type Calls = Record<string, number>;

async function stats(c: Cluster): Promise<Calls> {
  return (await c.control<{ calls: Calls }>('/__emulator/stats')).calls;
}

/** 200 concurrent QR logins on every instance; all must succeed. */
async function stampede(c: Cluster): Promise<void> {
  const results = await Promise.all(
    c.instances.flatMap((i) =>
      Array.from({ length: PER_INSTANCE }, async () => {
        const res = await fetch(`${i.url}/v1/oa/${DEMO_APPS.oa}/qr-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return { status: res.status, body: await res.text() };
      }),
    ),
  );
  const failed = results.filter((r) => r.status !== 200);
  const logs = failed.length
    ? c.instances
        .map((i) =>
          i
            .output()
            .split('\n')
            .filter((l) => /"level":(40|50)/.test(l))
            .slice(0, 3)
            .join('\n'),
        )
        .join('\n')
    : '';
  expect(failed.slice(0, 3), `${failed.length} of ${results.length} failed; instance logs:\n${logs}`).toEqual([]);
}

/** Another system force-refreshes the stable token twice, 30 s apart: every older token is dead (40001). */
async function killTokenUpstream(c: Cluster): Promise<void> {
  const force = () =>
    fetch(`${c.emulator.url}${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: DEMO_APPS.oa, secret: 'sandbox-secret-oa1', force_refresh: true }),
    });
  await force();
  await c.advanceClock(31, { emulatorOnly: true });
  await force();
}

// Needs PostgreSQL and Redis: skipped only off CI where it is unreachable; under CI=true postgresAvailable() or redisAvailable() throws instead.
describe.runIf(up)('access_token stampede on a 4-instance cluster', () => {
  it(
    '4 × 200 concurrent token users cost exactly one token call per expiry, and one refetch after a 40001',
    async () => {
      cluster = await startCluster({ instances: 4 });
      const c = cluster;
      await stampede(c); // the first token
      expect((await stats(c))[TOKEN]).toBe(1);

      // Time passes for everyone: the cached token reaches its refresh time on every instance at once.
      await c.control('/__emulator/stats', undefined, 'DELETE');
      await c.advanceClock(7200 + 60);
      await stampede(c);
      expect((await stats(c))[TOKEN], 'token calls after the expiry seen by all').toBe(1);

      // Only WeChat's clock moves: every instance still trusts the shared token and meets 42001.
      await c.control('/__emulator/stats', undefined, 'DELETE');
      await c.advanceClock(7200 + 60, { emulatorOnly: true });
      await stampede(c);
      const expired = await stats(c);
      expect(expired[TOKEN], 'token calls after 42001 on the shared token').toBe(1);
      expect(expired['/cgi-bin/qrcode/create']).toBeGreaterThan(4 * PER_INSTANCE); // the rejected calls were retried

      // Killed upstream (40001): dropped once (compare-and-delete), refetched once, for the whole cluster.
      await killTokenUpstream(c);
      await c.control('/__emulator/stats', undefined, 'DELETE');
      await stampede(c);
      const killed = await stats(c);
      expect(killed[TOKEN], 'refetches after 40001 on the shared token').toBe(1);
      expect(killed['/cgi-bin/qrcode/create']).toBeGreaterThan(4 * PER_INSTANCE);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});
