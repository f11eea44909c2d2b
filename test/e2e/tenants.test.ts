/**
 * Tenants (issue 14): two unions (two Open Platform accounts) and two official accounts in one deployment, through
 * HTTP against the emulator, on SQLite and PostgreSQL. The same person in two unions is two users, and no admin
 * merge joins them; a key limited to one union sees nothing of the other, its feed included; two official accounts
 * and a mini program of one union are one user, through unfollow and refollow; each union's webhook endpoint gets
 * that union's events only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { login, personView } from '../helpers/login-flows.js';
import type { Stack } from '../helpers/stack.js';
import { ACME, BETA, BETA_MP, backends, drainWebhooks, KEYS, OA2, startWorld, type World } from './tenants-world.js';

type FeedEvent = { id: string; type: string; union: string | null; userId: string; data: Record<string, unknown> };

const admin = (s: Stack, key: string) => ({
  get: (url: string) => s.api(url, undefined, { token: key }),
  post: (url: string, body: unknown) => s.api(url, body, { token: key }),
  feed: async (): Promise<FeedEvent[]> => (await s.api('/v1/admin/events?limit=1000', undefined, { token: key })).body.events,
});

describe.each(await backends())('tenants on %s', (_name, backend) => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('one person in two unions is two users (two unionids); an admin merge across them is refused', async () => {
    const { stack: s } = (world = await startWorld(backend, 'current'));
    const p = await s.createPerson({ name: 'Li Lei' });
    const a = (await login(s, DEMO_APPS.mp1, p)).body;
    const b = (await login(s, BETA_MP, p)).body;
    expect([a.unionid, b.unionid].every((u) => typeof u === 'string')).toBe(true);
    expect(a.unionid).not.toBe(b.unionid);
    expect(a.userId).not.toBe(b.userId);
    expect(Object.keys((await personView(s, p)).unionids)).toHaveLength(2);
    const merge = await admin(s, KEYS.all).post('/v1/admin/users/merge', { survivorId: a.userId, loserId: b.userId, reason: 'same person?' });
    expect([merge.status, merge.body.error.code]).toEqual([409, 'ERR_ADMIN_CROSS_UNION']);
    expect(merge.body.error.details).toEqual({ unions: [ACME, BETA] });
    expect(await s.deps.store.identity.counts()).toMatchObject({ liveUsers: 2, unionIdentities: 2 });
    expect((await admin(s, KEYS.all).feed()).map((e) => e.type)).toEqual(['user.created', 'user.created']);
  });

  it('a key limited to one union finds nothing of the other, may not show it, and reads its own union’s feed', async () => {
    const { stack: s } = (world = await startWorld(backend, 'current'));
    const p = await s.createPerson();
    const a = (await login(s, DEMO_APPS.mp1, p)).body;
    const b = (await login(s, BETA_MP, p)).body;
    const { openids } = await personView(s, p);
    const acme = admin(s, KEYS.acme);
    for (const id of [b.userId, openids[BETA_MP], b.unionid]) expect((await acme.get(`/v1/admin/users/find?id=${id}`)).body).toEqual({ matches: [] });
    expect((await acme.get(`/v1/admin/users/find?id=${a.userId}`)).body.matches).toEqual([expect.objectContaining({ userId: a.userId })]);
    const shown = await acme.get(`/v1/admin/users/${b.userId}`);
    expect([shown.status, shown.body.error.code]).toEqual([403, 'ERR_ADMIN_FORBIDDEN']);
    expect((await acme.get(`/v1/admin/users/${a.userId}`)).status).toBe(200);
    const refused = await acme.post(`/v1/admin/users/${b.userId}/revoke-sessions`, { reason: 'not mine' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'ERR_ADMIN_FORBIDDEN']);
    expect((await acme.post(`/v1/admin/users/${a.userId}/revoke-sessions`, { reason: 'lost phone' })).status).toBe(200);
    expect((await admin(s, KEYS.beta).post(`/v1/admin/users/${b.userId}/revoke-sessions`, { reason: 'stolen' })).status).toBe(200);

    const acmeFeed = await acme.feed();
    expect(acmeFeed.map((e) => [e.type, e.union, e.userId])).toEqual([
      ['user.created', ACME, a.userId],
      ['sessions.revoked', ACME, a.userId],
    ]);
    expect(acmeFeed[1]!.data).toEqual({ actor: 'acme-desk', reason: 'lost phone' });
    const betaFeed = await admin(s, KEYS.beta).feed();
    expect(betaFeed.map((e) => [e.type, e.union, e.userId])).toEqual([
      ['user.created', BETA, b.userId],
      ['sessions.revoked', BETA, b.userId],
    ]);
    expect((await admin(s, KEYS.all).feed()).length).toBe(4);
  });

  it('two official accounts and a mini program of one union are one user, through unfollow and refollow', async () => {
    const { stack: s } = (world = await startWorld(backend, 'legacy'));
    const p = await s.createPerson({ declinesUserInfo: true });
    for (const appid of [DEMO_APPS.oa, OA2]) {
      await s.control(`/__emulator/persons/${p}/follow`, { appid });
      await s.settle(); // the follow push → user/info → the unionid
    }
    const first = (await login(s, DEMO_APPS.mp1, p)).body; // following: code2session carries the unionid
    expect(first.unionid).toEqual(expect.any(String));
    const one = { liveUsers: 1, unionIdentities: 1, appIdentities: 3 };
    expect(await s.deps.store.identity.counts()).toMatchObject(one);
    const following = async () => {
      const view = (await admin(s, KEYS.acme).get(`/v1/admin/users/${first.userId}`)).body;
      const oas = view.apps.filter((x: { kind: string }) => x.kind === 'officialAccount');
      return Object.fromEntries(oas.map((x: { appid: string; identities: Array<{ subscribed: boolean }> }) => [x.appid, x.identities[0]!.subscribed]));
    };
    expect(await following()).toEqual({ [DEMO_APPS.oa]: true, [OA2]: true });
    // A minute apart each: a push of the same second with the same fields is WeChat retrying it (deduplicated).
    s.clock.advance(60);
    await s.control(`/__emulator/persons/${p}/unfollow`, { appid: DEMO_APPS.oa });
    await s.settle();
    expect(await following()).toEqual({ [DEMO_APPS.oa]: false, [OA2]: true });
    expect(await s.deps.store.identity.counts()).toMatchObject(one);
    s.clock.advance(60);
    await s.control(`/__emulator/persons/${p}/follow`, { appid: DEMO_APPS.oa });
    await s.settle();
    const again = (await login(s, DEMO_APPS.mp1, p)).body;
    expect(again.userId).toBe(first.userId);
    expect(await s.deps.store.identity.counts()).toMatchObject(one);
    expect(await following()).toEqual({ [DEMO_APPS.oa]: true, [OA2]: true });
  });

  it('each union’s webhook endpoint receives that union’s events only, admin actions included', async () => {
    const w = (world = await startWorld(backend, 'current'));
    const s = w.stack;
    const p = await s.createPerson();
    const a = (await login(s, DEMO_APPS.mp1, p)).body;
    const b = (await login(s, BETA_MP, p)).body;
    await login(s, DEMO_APPS.mp2, p); // joins a's user by the unionid
    expect((await admin(s, KEYS.all).post(`/v1/admin/users/${b.userId}/revoke-sessions`, { reason: 'stolen' })).status).toBe(200);
    await drainWebhooks(w);
    const all = await admin(s, KEYS.all).feed();
    const ids = (union: string) => all.filter((e) => e.union === union).map((e) => e.id);
    expect(ids(ACME).length).toBeGreaterThanOrEqual(2);
    expect(w.receivers.acme.accepted.map((e) => e.id)).toEqual(ids(ACME));
    expect(w.receivers.beta.accepted.map((e) => e.id)).toEqual(ids(BETA));
    expect(w.receivers.acme.accepted.every((e) => e.union === ACME && e.liveUserId === a.userId)).toBe(true);
    expect(w.receivers.beta.accepted.map((e) => [e.type, e.union])).toEqual([
      ['user.created', BETA],
      ['sessions.revoked', BETA],
    ]);
    expect(w.receivers.acme.forged + w.receivers.beta.forged).toBe(0);
  });
});
