/**
 * The admin API through HTTP (app.inject) on SQLite and PostgreSQL: keys and scopes, find by any id, show with the
 * merge timeline, and the actions — link, unlink, merge, erase, export — each recorded as an event with actor and
 * reason, each refusal changing nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPS, UNION } from '../helpers/test-apps.js';
import type { RouteApp } from '../helpers/route-app.js';
import { adminBackends, KEYS } from './admin-app.js';

describe.each(await adminBackends())('admin API on %s', (_name, make) => {
  let api: RouteApp;
  beforeEach(async () => {
    api = await make();
  });
  afterEach(async () => api.close());

  const get = (url: string, key: string = KEYS.read) => api.call('GET', url, { token: key });
  const post = (url: string, body: unknown, key: string = KEYS.write) => api.call('POST', url, { token: key, body });

  /** One person split before the unionid was known, then joined: A (mp, openid only) merged into B (oa, unionid). */
  async function splitThenJoined() {
    const resolve = api.deps.identity.resolve;
    const a = await resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-mp-1' });
    const b = await resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-oa-1', unionid: 'un-1' });
    await api.deps.store.profile.setUserPhone(a.userId, { phoneNumber: '+8613800000001', purePhoneNumber: '13800000001', countryCode: '86' }, 1);
    const joined = await resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-mp-1', unionid: 'un-1' });
    expect(joined.mergedUserIds).toEqual([a.userId]);
    return { a: a.userId, b: b.userId };
  }

  async function eventsOf(type: string) {
    return (await api.deps.store.identity.listEvents({ limit: 1000 })).filter((e) => e.type === type);
  }

  it('wants a configured key, with the scope the route needs, and never echoes it', async () => {
    const { b } = await splitThenJoined();
    expect((await api.call('GET', `/v1/admin/users/${b}`)).body.error.code).toBe('ERR_ADMIN_UNAUTHORIZED');
    const wrong = await get(`/v1/admin/users/${b}`, 'wua_not_a_configured_key');
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'ERR_ADMIN_UNAUTHORIZED']);
    const session = await api.session(APPS.mp, 'o-mp-1');
    expect((await get(`/v1/admin/users/${b}`, session.token)).status).toBe(401);
    const readOnly = await post(`/v1/admin/users/${b}/erase`, { reason: 'try' }, KEYS.read);
    expect([readOnly.status, readOnly.body.error.code]).toEqual([403, 'ERR_ADMIN_FORBIDDEN']);
    expect(readOnly.text).not.toContain(KEYS.read);
    expect((await get(`/v1/admin/users/${b}`)).status).toBe(200);
  });

  it('revokes every session of a person (merged ids included), recorded as sessions.revoked; an erasure does the same', async () => {
    const { a, b } = await splitThenJoined();
    const mp = await api.session(APPS.mp, 'o-mp-1');
    const oa = await api.session(APPS.oa, 'o-oa-1');
    for (const s of [mp, oa]) expect((await api.call('GET', '/v1/me', { token: s.token })).status).toBe(200);
    expect((await post(`/v1/admin/users/${a}/revoke-sessions`, { reason: 'lost phone' }, KEYS.read)).status).toBe(403);
    expect((await post(`/v1/admin/users/${a}/revoke-sessions`, {})).body.error.code).toBe('ERR_VALIDATION');
    const r = await post(`/v1/admin/users/${a}/revoke-sessions`, { reason: 'lost phone' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ userId: b, revoked: expect.any(Number) });
    for (const s of [mp, oa]) {
      const me = await api.call('GET', '/v1/me', { token: s.token });
      expect(me.status).toBe(401);
    }
    expect(await eventsOf('sessions.revoked')).toEqual([expect.objectContaining({ userId: b, data: expect.objectContaining({ reason: 'lost phone' }) })]);
    const again = await api.session(APPS.oa, 'o-oa-1');
    expect((await api.call('GET', '/v1/me', { token: again.token })).status).toBe(200);
    const erased = await post(`/v1/admin/users/${b}/erase`, { reason: 'deletion request' });
    expect(erased.body).toMatchObject({ userId: b, revokedSessions: expect.any(Number) });
    expect((await api.call('GET', '/v1/me', { token: again.token })).status).toBe(401);
  });

  it('finds a user by our id (a merged id says so), openid, unionid and phone number', async () => {
    const { a, b } = await splitThenJoined();
    const find = async (q: string) => (await get(`/v1/admin/users/find?${q}`)).body.matches;
    expect(await find(`id=${b}`)).toEqual([expect.objectContaining({ userId: b, matchedBy: 'userId', mergedFrom: null, status: 'live' })]);
    expect(await find(`id=${a}`)).toEqual([expect.objectContaining({ userId: b, matchedBy: 'userId', mergedFrom: a })]);
    expect(await find('id=o-mp-1')).toEqual([expect.objectContaining({ userId: b, matchedBy: 'openid', appid: APPS.mp, unionKey: UNION })]);
    expect(await find(`id=o-mp-1&appid=${APPS.oa}`)).toEqual([]);
    expect(await find(`id=un-1&union=${UNION}`)).toEqual([expect.objectContaining({ userId: b, matchedBy: 'unionid', unionKey: UNION })]);
    // The phone number moved to the survivor with the merge; the loser's row still holds it: one answer, the survivor.
    expect(await find('id=13800000001')).toEqual([expect.objectContaining({ userId: b, matchedBy: 'phone' })]);
    expect(await find('id=nobody')).toEqual([]);
    expect((await get('/v1/admin/users/find')).body.error.code).toBe('ERR_VALIDATION');
  });

  it('shows identities per app, union identities, phone, first/last seen and the merge timeline', async () => {
    const { a, b } = await splitThenJoined();
    const show = await get(`/v1/admin/users/${a}`);
    expect(show.status).toBe(200);
    const v = show.body;
    expect(v).toMatchObject({ userId: b, mergedFrom: a, status: 'live', aliases: [a], phone: { purePhoneNumber: '13800000001' } });
    expect(v.apps.map((x: { appid: string }) => x.appid).sort()).toEqual([APPS.mp, APPS.oa].sort());
    expect(v.apps.find((x: { appid: string }) => x.appid === APPS.mp)).toMatchObject({
      kind: 'miniprogram',
      union: UNION,
      identities: [{ openid: 'o-mp-1', unionid: 'un-1' }],
    });
    expect(v.unions).toEqual([{ unionKey: UNION, unionid: 'un-1', confirmed: true }]);
    expect(typeof v.firstSeenAt).toBe('number');
    expect(v.lastSeenAt).toBeGreaterThanOrEqual(v.firstSeenAt);
    expect(v.timeline.map((e: { type: string }) => e.type)).toEqual(['user.created', 'user.created', 'user.merged', 'identity.linked']);
    expect(v.timeline[2]).toMatchObject({ userId: b, actor: null, summary: expect.stringContaining(a) });
    expect(show.text).not.toMatch(/sessionKeyEnc/);
    expect((await get('/v1/admin/users/u_00000000000000000000000000')).body.error.code).toBe('ERR_USER_NOT_FOUND');
  });

  it('unlink splits an identity out into a new user, recorded with actor and reason; merge joins them back', async () => {
    const { b } = await splitThenJoined();
    const before = await api.deps.store.identity.counts();
    const split = await post('/v1/admin/identities/unlink', { appid: APPS.mp, openid: 'o-mp-1', reason: 'ticket 7: wrong merge' });
    expect(split.status).toBe(200);
    const c = split.body.userId;
    expect(split.body).toEqual({ fromUserId: b, userId: c, unionIdentityMoved: false });
    // The unionid stays with the official-account identity that also carries it; the split one forgets it.
    const shownC = (await get(`/v1/admin/users/${c}`)).body;
    expect(shownC.apps).toEqual([expect.objectContaining({ appid: APPS.mp, identities: [expect.objectContaining({ openid: 'o-mp-1', unionid: null })] })]);
    expect(shownC.unions).toEqual([]);
    expect((await get(`/v1/admin/users/${b}`)).body.unions).toEqual([{ unionKey: UNION, unionid: 'un-1', confirmed: true }]);
    const [unlinked] = await eventsOf('identity.unlinked');
    expect(unlinked).toMatchObject({ userId: b, data: { appid: APPS.mp, openid: 'o-mp-1', newUserId: c, actor: 'ops', reason: 'ticket 7: wrong merge' } });
    expect((await api.deps.store.identity.counts()).users).toBe(before.users + 1);
    expect((await eventsOf('user.created')).length).toBe(before.users + 1);

    // The old user is left with one app identity: splitting that out is refused and changes nothing.
    const counts = await api.deps.store.identity.counts();
    const last = await post('/v1/admin/identities/unlink', { appid: APPS.oa, openid: 'o-oa-1', reason: 'no' });
    expect([last.status, last.body.error.code]).toEqual([409, 'ERR_ADMIN_LAST_IDENTITY']);
    expect(await api.deps.store.identity.counts()).toEqual(counts);
    expect((await post('/v1/admin/identities/unlink', { appid: APPS.oa, openid: 'nope', reason: 'x' })).body.error.code).toBe('ERR_ADMIN_IDENTITY_NOT_FOUND');

    const merged = await post('/v1/admin/users/merge', { survivorId: b, loserId: c, reason: 'ticket 7: it was right after all' });
    expect(merged.body).toEqual({ userId: b, mergedUserId: c, movedAppIdentities: 1, movedUnionIdentities: 0, phoneCarried: false });
    const timeline = (await get(`/v1/admin/users/${c}`)).body.timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 'user.merged', actor: 'ops', reason: 'ticket 7: it was right after all' });
    expect((await post('/v1/admin/users/merge', { survivorId: b, loserId: c, reason: 'again' })).body.error.code).toBe('ERR_ADMIN_SAME_USER');
  });

  it('refuses a merge of two people WeChat tells apart, and a reason-less action, changing nothing', async () => {
    const x = await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-x', unionid: 'un-x' });
    const y = await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.mobile, openid: 'o-y', unionid: 'un-y' });
    const counts = await api.deps.store.identity.counts();
    const r = await post('/v1/admin/users/merge', { survivorId: x.userId, loserId: y.userId, reason: 'looks alike' });
    expect([r.status, r.body.error.code, r.body.error.details]).toEqual([409, 'ERR_ADMIN_MERGE_CONFLICT', { unionKey: UNION }]);
    expect((await post('/v1/admin/users/merge', { survivorId: x.userId, loserId: y.userId })).body.error.code).toBe('ERR_VALIDATION');
    expect((await post('/v1/admin/users/merge', { survivorId: x.userId, loserId: y.userId, reason: '   ' })).body.error.code).toBe('ERR_VALIDATION');
    expect(await api.deps.store.identity.counts()).toEqual(counts);
  });

  it('links an app identity to a user; one that is another user’s is refused', async () => {
    const { b } = await splitThenJoined();
    const linked = await post(`/v1/admin/users/${b}/link`, { appid: APPS.mobile, openid: 'o-app-1', reason: 'support call' });
    expect(linked.body).toEqual({ userId: b, changed: true });
    expect((await post(`/v1/admin/users/${b}/link`, { appid: APPS.mobile, openid: 'o-app-1', reason: 'again' })).body).toEqual({ userId: b, changed: false });
    const [event] = (await eventsOf('identity.linked')).filter((e) => e.data.actor === 'ops');
    expect(event).toMatchObject({ userId: b, data: { appid: APPS.mobile, openid: 'o-app-1', reason: 'support call' } });
    const other = await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.web, openid: 'o-web-9' });
    const taken = await post(`/v1/admin/users/${b}/link`, { appid: APPS.web, openid: 'o-web-9', reason: 'x' });
    expect([taken.status, taken.body.error.code, taken.body.error.details]).toEqual([409, 'ERR_ADMIN_IDENTITY_TAKEN', { userId: other.userId }]);
    expect((await post(`/v1/admin/users/${b}/link`, { appid: 'wxnotconfigured', openid: 'o', reason: 'x' })).body.error.code).toBe('ERR_APP_UNKNOWN');
  });

  it('erase removes phone, session keys and identities; every id resolves to the tombstone; the person may come back as new', async () => {
    const { a, b } = await splitThenJoined();
    await api.session(APPS.mp, 'o-mp-1', { sessionKey: 'c2Vzc2lvbmtleTEyMzQ1Ng==' });
    const exported = await get(`/v1/admin/users/${b}/export`, KEYS.write);
    expect(exported.status).toBe(200);
    expect(exported.body.user).toMatchObject({ userId: b, phone: { purePhoneNumber: '13800000001' } });
    expect(exported.body.events.length).toBeGreaterThanOrEqual(3);
    expect(exported.text).not.toContain('sessionKeyEnc');
    expect((await get(`/v1/admin/users/${b}/export`, KEYS.read)).status).toBe(403);

    const erased = await post(`/v1/admin/users/${b}/erase`, { reason: 'PIPL request #12' });
    expect(erased.body).toMatchObject({ userId: b, removed: { appIdentities: 2, unionIdentities: 1, sessionKeys: 1, phone: true } });
    const shown = (await get(`/v1/admin/users/${a}`)).body;
    expect(shown).toMatchObject({ userId: b, mergedFrom: a, status: 'erased', phone: null, apps: [], unions: [] });
    expect(shown.timeline.at(-1)).toMatchObject({ type: 'user.erased', actor: 'ops', reason: 'PIPL request #12' });
    // Nothing of the person's WeChat ids is left in the events.
    const all = JSON.stringify(await api.deps.store.identity.listEvents({ limit: 1000 }));
    expect(all).not.toMatch(/o-mp-1|o-oa-1|un-1/);
    expect((await api.deps.store.profile.findUserPhone(a)) ?? null).toBeNull();
    const byOpenid = (await get('/v1/admin/users/find?id=o-mp-1')).body.matches;
    expect(byOpenid).toEqual([expect.objectContaining({ userId: b, status: 'erased', matchedBy: 'openid', appid: APPS.mp })]);
    expect((await get('/v1/admin/users/find?id=un-1')).body.matches).toEqual([expect.objectContaining({ userId: b, status: 'erased', matchedBy: 'unionid' })]);
    expect((await get('/v1/admin/users/find?id=13800000001')).body.matches).toEqual([]);

    for (const [url, body] of [
      [`/v1/admin/users/${a}/erase`, { reason: 'twice' }],
      [`/v1/admin/users/${b}/link`, { appid: APPS.web, openid: 'o-w', reason: 'x' }],
    ] as const) {
      const r = await post(url, body);
      expect([r.status, r.body.error.code]).toEqual([409, 'ERR_ADMIN_USER_ERASED']);
    }
    const stranger = await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.web, openid: 'o-w' });
    expect((await post('/v1/admin/users/merge', { survivorId: stranger.userId, loserId: b, reason: 'x' })).body.error.code).toBe('ERR_ADMIN_USER_ERASED');
    const back = await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-mp-1', unionid: 'un-1' });
    expect(back.isNewUser).toBe(true);
    expect(back.userId).not.toBe(b);
  });

  it('a key limited to one union sees nothing of another union', async () => {
    const acmeUser = await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-same', unionid: 'un-same' });
    // The same person in the second union is a second user (unionids are per Open Platform account).
    const betaUser = await api.deps.identity.resolve({ unionKey: 'beta', appid: 'wxtestbeta0000mp01', openid: 'o-beta', unionid: 'un-beta' });
    expect(betaUser.userId).not.toBe(acmeUser.userId);
    const asBeta = (url: string) => get(url, KEYS.beta);
    expect((await asBeta('/v1/admin/users/find?id=o-same')).body.matches).toEqual([]);
    expect((await asBeta(`/v1/admin/users/find?id=${acmeUser.userId}`)).body.matches).toEqual([]);
    expect((await asBeta(`/v1/admin/users/${acmeUser.userId}`)).body.error.code).toBe('ERR_ADMIN_FORBIDDEN');
    expect((await asBeta(`/v1/admin/users/${betaUser.userId}`)).body.userId).toBe(betaUser.userId);
    expect((await get(`/v1/admin/users/find?id=o-same`, KEYS.acme)).body.matches).toHaveLength(1);
    const erase = await post(`/v1/admin/users/${acmeUser.userId}/erase`, { reason: 'x' }, KEYS.beta);
    expect(erase.body.error.code).toBe('ERR_ADMIN_FORBIDDEN');
    const cross = await post('/v1/admin/users/merge', { survivorId: acmeUser.userId, loserId: betaUser.userId, reason: 'x' });
    expect(cross.body.error.code).toBe('ERR_ADMIN_CROSS_UNION');
    expect((await post(`/v1/admin/users/${betaUser.userId}/link`, { appid: APPS.mobile, openid: 'o-m', reason: 'x' }, KEYS.beta)).body.error.code).toBe(
      'ERR_ADMIN_FORBIDDEN',
    );
  });
});
