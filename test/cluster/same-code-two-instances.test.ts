/**
 * A login code double-submitted to two instances at once (a retrying client, a double tap behind a balancer): one
 * upstream exchange for the whole cluster, and both instances answer the same user — for a mini program code
 * (jscode2session) and a mobile app's OAuth code (sns/oauth2/access_token). Without a cluster-wide single flight the
 * second exchange is WeChat's 40163 "code been used". A code presented again after the first answer was delivered is
 * not a double submit but a replay: it gets that 40163, on whichever instance (#10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { jsonRequest } from '../helpers/http.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { redisAvailable } from '../helpers/redis.js';
import { CLUSTER_TEST_TIMEOUT_MS, startCluster, type Cluster } from './cluster.js';

const up = (await postgresAvailable()) && (await redisAvailable());

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function postBoth(c: Cluster, path: string, body: unknown) {
  return Promise.all(c.instances.map((i) => jsonRequest<{ userId: string; openid: string; error?: { code: string } }>(i.url + path, body)));
}

// Needs PostgreSQL and Redis: skipped only off CI where it is unreachable; under CI=true postgresAvailable() or redisAvailable() throws instead.
describe.runIf(up)('one login code at two instances', () => {
  it(
    'makes one upstream exchange and both instances answer the same user',
    async () => {
      cluster = await startCluster({ instances: 2 });
      const c = cluster;
      const person = (await c.control<{ id: string }>('/__emulator/persons', {})).id;
      // WeChat answers slowly, so both requests are surely in flight together.
      await c.control('/__emulator/faults', { path: '/sns/jscode2session', delayMs: 400, count: 1 });
      await c.control('/__emulator/faults', { path: '/sns/oauth2/access_token', delayMs: 400, count: 1 });

      const { code } = await c.control<{ code: string }>('/__emulator/wx.login', { appid: DEMO_APPS.mp1, person });
      const mp = await postBoth(c, `/v1/mp/${DEMO_APPS.mp1}/login`, { code });
      expect(
        mp.map((r) => r.status),
        JSON.stringify(mp.map((r) => r.body)),
      ).toEqual([200, 200]);
      expect(mp[0]!.body.userId).toBe(mp[1]!.body.userId);
      expect(mp[0]!.body.openid).toBe(mp[1]!.body.openid);

      const { code: appCode } = await c.control<{ code: string }>('/__emulator/app.login', { appid: DEMO_APPS.app, person });
      const app = await postBoth(c, `/v1/app/${DEMO_APPS.app}/login`, { code: appCode });
      expect(
        app.map((r) => r.status),
        JSON.stringify(app.map((r) => r.body)),
      ).toEqual([200, 200]);
      expect(new Set([...mp, ...app].map((r) => r.body.userId)).size).toBe(1); // one person, one user, whichever road

      const { calls } = await c.control<{ calls: Record<string, number> }>('/__emulator/stats');
      expect(calls['/sns/jscode2session']).toBe(1);
      expect(calls['/sns/oauth2/access_token']).toBe(1);
      expect(await c.sql('select count(*)::int as n from users')).toEqual([{ n: 1 }]);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'refuses a code replayed on the other instance after the first answer was delivered (ERR_WECHAT_CODE_USED, no session)',
    async () => {
      cluster = await startCluster({ instances: 2 });
      const c = cluster;
      const [one, two] = c.instances;
      const person = (await c.control<{ id: string }>('/__emulator/persons', {})).id;
      const post = async (url: string, path: string, body: unknown) => {
        const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as { token?: string; error?: { code: string } } };
      };
      const { code } = await c.control<{ code: string }>('/__emulator/wx.login', { appid: DEMO_APPS.mp1, person });
      const first = await post(one!.url, `/v1/mp/${DEMO_APPS.mp1}/login`, { code });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const replay = await post(two!.url, `/v1/mp/${DEMO_APPS.mp1}/login`, { code });
      expect(replay.status, JSON.stringify(replay.body)).toBe(400);
      expect(replay.body.error?.code).toBe('ERR_WECHAT_CODE_USED');
      expect(replay.body.token).toBeUndefined();

      const { code: appCode } = await c.control<{ code: string }>('/__emulator/app.login', { appid: DEMO_APPS.app, person });
      expect((await post(one!.url, `/v1/app/${DEMO_APPS.app}/login`, { code: appCode })).status).toBe(200);
      const appReplay = await post(two!.url, `/v1/app/${DEMO_APPS.app}/login`, { code: appCode });
      expect(appReplay.body.error?.code, JSON.stringify(appReplay.body)).toBe('ERR_WECHAT_CODE_USED');
      expect(appReplay.body.token).toBeUndefined();

      const { calls } = await c.control<{ calls: Record<string, number> }>('/__emulator/stats');
      expect(calls['/sns/jscode2session']).toBe(2); // the replay asked WeChat itself
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});
