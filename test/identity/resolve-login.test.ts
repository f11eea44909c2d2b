import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { resolveLogin, type ResolveLoginDeps } from '../../src/identity/resolve-login.js';
import { getUserView, resolveUserId } from '../../src/identity/resolve-user.js';
import type { OpenedStore } from '../../src/store/open-store.js';
import type { WeunionStore } from '../../src/store/port.js';
import { identityBackends, type Backend } from './identity-backends.js';

const T0 = 1_750_000_000_000;
const UNION = 'acme';

describe.each(await identityBackends())('resolveLogin() on %s', (_name, make) => {
  let backend: Backend;
  let opened: OpenedStore;
  let store: WeunionStore;
  let clock: ManualClock;
  let deps: ResolveLoginDeps;
  let seq: number;

  beforeAll(async () => {
    backend = await make();
  });
  afterAll(async () => {
    await backend?.teardown();
  });
  beforeEach(async () => {
    opened = await backend.open();
    store = opened.store;
    clock = new ManualClock({ now: () => T0 });
    seq = 0;
    deps = { store: store.identity, clock, newId: () => `u_${++seq}` };
  });
  afterEach(async () => {
    await opened.close();
  });

  const login = (appid: string, openid: string, unionid?: string | null, sessionKeyEnc?: string | null) =>
    resolveLogin(deps, { unionKey: UNION, appid, openid, unionid, sessionKeyEnc });
  const eventTypes = async () => (await store.identity.listEvents()).map((e) => `${e.type}:${e.userId}`);

  it('resolveLogin() creates a user and its app identity when neither identity exists (case 2, no unionid)', async () => {
    const r = await login('wxA', 'oA1', null, 'sealed-1');
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: true, linked: false, mergedUserIds: [] });
    expect(await store.identity.findAppIdentity('wxA', 'oA1')).toEqual({
      appid: 'wxA',
      openid: 'oA1',
      userId: 'u_1',
      unionid: null,
      sessionKeyEnc: 'sealed-1',
      firstSeenAt: T0,
      lastSeenAt: T0,
      subscribed: null,
      subscribedAt: null,
      pendingUnionid: null,
    });
    expect(await store.identity.listUnionIdentities('u_1')).toEqual([]);
    const events = await store.identity.listEvents();
    expect(events).toMatchObject([{ type: 'user.created', userId: 'u_1', data: { appid: 'wxA', openid: 'oA1', unionKey: UNION, unionid: null } }]);
    expect(JSON.stringify(events)).not.toContain('sealed-1');
  });

  it('resolveLogin() creates the user with both identities when the unionid is known (case 2)', async () => {
    const r = await login('wxA', 'oA1', 'X1');
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: true, linked: false, mergedUserIds: [] });
    expect(await store.identity.listUnionIdentities('u_1')).toEqual([{ unionKey: UNION, unionid: 'X1', userId: 'u_1', createdAt: T0, confirmed: true }]);
    expect((await store.identity.findAppIdentity('wxA', 'oA1'))?.unionid).toBe('X1');
    expect(await eventTypes()).toEqual(['user.created:u_1']);
  });

  it('resolveLogin() returns the same user on a repeat login and only refreshes last_seen and the session_key (case 3)', async () => {
    await login('wxA', 'oA1', null, 'k1');
    clock.advance(60);
    const r = await login('wxA', 'oA1', null, 'k2');
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: false, linked: false, mergedUserIds: [] });
    expect(await store.identity.findAppIdentity('wxA', 'oA1')).toMatchObject({ firstSeenAt: T0, lastSeenAt: T0 + 60_000, sessionKeyEnc: 'k2' });
    clock.advance(60);
    await login('wxA', 'oA1'); // no session key given: the stored one stays
    expect(await store.identity.findAppIdentity('wxA', 'oA1')).toMatchObject({ lastSeenAt: T0 + 120_000, sessionKeyEnc: 'k2' });
    expect(await eventTypes()).toEqual(['user.created:u_1']);
    expect((await store.identity.counts()).users).toBe(1);
  });

  it('resolveLogin() writes nothing for a repeat login within a minute that brings nothing new (read-only fast path)', async () => {
    await login('wxA', 'oA1', 'X1', 'k1');
    const before = JSON.stringify([await store.identity.findAppIdentity('wxA', 'oA1'), await store.identity.counts(), await eventTypes()]);
    clock.advance(59);
    expect(await login('wxA', 'oA1', 'X1', 'k1')).toMatchObject({ userId: 'u_1', isNewUser: false, linked: false, mergedUserIds: [] });
    expect(await login('wxA', 'oA1', null, 'k1')).toMatchObject({ userId: 'u_1', isNewUser: false });
    expect(JSON.stringify([await store.identity.findAppIdentity('wxA', 'oA1'), await store.identity.counts(), await eventTypes()])).toBe(before);
    await login('wxA', 'oA1', 'X1', 'k2'); // a rotated session_key is written at once
    expect(await store.identity.findAppIdentity('wxA', 'oA1')).toMatchObject({ sessionKeyEnc: 'k2', lastSeenAt: T0 });
    clock.advance(1); // a minute after the last mark: seen again
    await login('wxA', 'oA1', 'X1', 'k2');
    expect(await store.identity.findAppIdentity('wxA', 'oA1')).toMatchObject({ lastSeenAt: T0 + 60_000 });
  });

  it('resolveLogin() does not take the fast path when the app now belongs to another union: it links there', async () => {
    await login('wxA', 'oA1', 'X1', 'k1');
    const r = await resolveLogin(deps, { unionKey: 'other-union', appid: 'wxA', openid: 'oA1', unionid: 'X1', sessionKeyEnc: 'k1' });
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: false });
    expect((await store.identity.listUnionIdentities('u_1')).map((u) => u.unionKey).sort()).toEqual([UNION, 'other-union'].sort());
  });

  it('resolveLogin() links a unionid learnt later to the existing user (case 3 with a unionid)', async () => {
    await login('wxA', 'oA1');
    const r = await login('wxA', 'oA1', 'X1');
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: false, linked: true, mergedUserIds: [] });
    expect((await store.identity.findAppIdentity('wxA', 'oA1'))?.unionid).toBe('X1');
    expect(await store.identity.listUnionIdentities('u_1')).toMatchObject([{ unionKey: UNION, unionid: 'X1' }]);
    expect(await store.identity.listEvents()).toMatchObject([
      { type: 'user.created', userId: 'u_1' },
      { type: 'identity.linked', userId: 'u_1', data: { appid: 'wxA', openid: 'oA1', unionKey: UNION, unionid: 'X1' } },
    ]);
    // Knowing it again changes nothing.
    expect(await login('wxA', 'oA1', 'X1')).toMatchObject({ userId: 'u_1', linked: false });
    expect((await store.identity.listEvents()).length).toBe(2);
  });

  it('resolveLogin() attaches a new openid to the unionid owner (case 4)', async () => {
    await login('wxA', 'oA1', 'X1');
    const r = await login('wxB', 'oB1', 'X1', 'kB');
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: false, linked: true, mergedUserIds: [] });
    expect(await store.identity.findAppIdentity('wxB', 'oB1')).toMatchObject({ userId: 'u_1', unionid: 'X1', sessionKeyEnc: 'kB' });
    expect(await eventTypes()).toEqual(['user.created:u_1', 'identity.linked:u_1']);
    expect(await store.identity.counts()).toMatchObject({ users: 1, appIdentities: 2, unionIdentities: 1 });
  });

  it('resolveLogin() links nothing when both identities already belong to the same user (case 5)', async () => {
    await login('wxA', 'oA1', 'X1');
    await login('wxB', 'oB1', 'X1');
    const before = await store.identity.counts();
    expect(await login('wxB', 'oB1', 'X1')).toMatchObject({ userId: 'u_1', isNewUser: false, linked: false, mergedUserIds: [] });
    expect(await store.identity.counts()).toEqual(before);
  });

  it('resolveLogin() records the unionid on an app identity whose user already owns it (case 5, unionid unknown to the openid)', async () => {
    await store.identity.transaction(async (tx) => {
      await tx.insertUser({ id: 'u_p', createdAt: T0, mergedInto: null, mergedAt: null });
      await tx.insertAppIdentity({ appid: 'wxA', openid: 'oA1', userId: 'u_p', unionid: null, sessionKeyEnc: null, firstSeenAt: T0, lastSeenAt: T0 });
      await tx.insertUnionIdentity({ unionKey: UNION, unionid: 'X1', userId: 'u_p', createdAt: T0 });
    });
    expect(await login('wxA', 'oA1', 'X1')).toMatchObject({ userId: 'u_p', isNewUser: false, linked: true, mergedUserIds: [] });
    expect((await store.identity.findAppIdentity('wxA', 'oA1'))?.unionid).toBe('X1');
    expect(await eventTypes()).toEqual(['identity.linked:u_p']);
  });

  it('resolveLogin() merges a split person into the unionid owner and the old id still resolves (case 6)', async () => {
    await login('wxA', 'oA1'); // u_1: unionid not disclosed on A yet
    await login('wxC', 'oC1'); // u_2: another app, also without it
    await login('wxB', 'oB1', 'X1'); // u_3 owns X1
    clock.advance(61); // past last_seen_at's one-minute resolution, so the login also marks the identity seen
    const r = await login('wxA', 'oA1', 'X1');
    expect(r).toMatchObject({ userId: 'u_3', isNewUser: false, linked: true, mergedUserIds: ['u_1'] });
    expect(await store.identity.findUser('u_1')).toEqual({ id: 'u_1', createdAt: T0, mergedInto: 'u_3', mergedAt: T0 + 61_000 });
    expect(await store.identity.findAppIdentity('wxA', 'oA1')).toMatchObject({ userId: 'u_3', unionid: 'X1', lastSeenAt: T0 + 61_000 });
    expect(await resolveUserId(store.identity, 'u_1')).toBe('u_3');
    expect(await resolveUserId(store.identity, 'u_3')).toBe('u_3');
    expect(await resolveUserId(store.identity, 'u_2')).toBe('u_2');
    const merged = (await store.identity.listEvents()).slice(-2);
    expect(merged).toMatchObject([
      { type: 'user.merged', userId: 'u_3', data: { mergedUserId: 'u_1', movedAppIdentities: 1, movedUnionIdentities: 0, unionid: 'X1' } },
      { type: 'identity.linked', userId: 'u_3', data: { appid: 'wxA', openid: 'oA1', unionid: 'X1' } },
    ]);
    // Never deletes: both users remain, one live.
    expect(await store.identity.counts()).toMatchObject({ users: 3, liveUsers: 2, appIdentities: 3 });

    const view = await getUserView(store, 'u_1');
    expect(view).toEqual({
      userId: 'u_3',
      aliases: ['u_1'],
      identities: {
        app: [
          { appid: 'wxA', openid: 'oA1', unionid: 'X1', firstSeenAt: T0, lastSeenAt: T0 + 61_000, subscribed: null },
          { appid: 'wxB', openid: 'oB1', unionid: 'X1', firstSeenAt: T0, lastSeenAt: T0, subscribed: null },
        ],
        union: [{ unionKey: UNION, unionid: 'X1' }],
      },
      phone: null,
      createdAt: T0,
    });
  });

  it('resolveLogin() moves every identity of the loser, union identities included, and keeps alias chains one hop long', async () => {
    await login('wxA', 'oA1'); // u_1
    await login('wxB', 'oB1', 'X1'); // u_2 owns X1
    await login('wxA', 'oA1', 'X1'); // u_1 → u_2
    await login('wxC', 'oC1', 'Y1'); // u_3 owns Y1
    // The same openid reported with another unionid (e.g. the app moved between Open Platform accounts):
    const r = await login('wxB', 'oB1', 'Y1');
    expect(r).toMatchObject({ userId: 'u_3', mergedUserIds: ['u_2'] });
    expect(await store.identity.listAppIdentities('u_3')).toHaveLength(3);
    expect((await store.identity.listUnionIdentities('u_3')).map((u) => u.unionid)).toEqual(['X1', 'Y1']);
    expect((await store.identity.findUser('u_1'))?.mergedInto).toBe('u_3');
    expect(await store.identity.listAliases('u_3')).toEqual(['u_1', 'u_2']);
    expect(await resolveUserId(store.identity, 'u_1')).toBe('u_3');
    expect(await store.identity.listEvents()).toContainEqual(
      expect.objectContaining({ type: 'user.merged', data: expect.objectContaining({ mergedUserId: 'u_2', movedAppIdentities: 2, movedUnionIdentities: 1 }) }),
    );
  });

  it('resolveLogin() keeps users of an unbound app (unionKey null) apart from everyone', async () => {
    const r = await resolveLogin(deps, { unionKey: null, appid: 'wxSolo', openid: 'oS1' });
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: true });
    expect(await resolveLogin(deps, { unionKey: null, appid: 'wxSolo', openid: 'oS1', unionid: null })).toMatchObject({ userId: 'u_1', isNewUser: false });
  });

  it('resolveLogin() throws a TypeError and writes nothing when a unionid comes with an unbound app', async () => {
    await expect(resolveLogin(deps, { unionKey: null, appid: 'wxSolo', openid: 'oS1', unionid: 'X1' })).rejects.toThrow(TypeError);
    expect((await store.identity.counts()).users).toBe(0);
  });

  it('resolveLogin() throws a TypeError for an empty appid, openid or unionid', async () => {
    await expect(login('', 'o')).rejects.toThrow(TypeError);
    await expect(login('wxA', '')).rejects.toThrow(TypeError);
    await expect(login('wxA', 'o', '')).rejects.toThrow(TypeError);
    expect((await store.identity.counts()).users).toBe(0);
  });

  it('resolveLogin(…, { markSeen: false }) links without marking the identity as seen', async () => {
    await login('wxOA', 'oF1');
    clock.advance(60);
    const r = await resolveLogin(deps, { unionKey: UNION, appid: 'wxOA', openid: 'oF1', unionid: 'X1' }, { markSeen: false });
    expect(r).toMatchObject({ userId: 'u_1', isNewUser: false, linked: true, mergedUserIds: [] });
    expect(await store.identity.findAppIdentity('wxOA', 'oF1')).toMatchObject({ unionid: 'X1', lastSeenAt: T0 });
    // A follower never seen before becomes a user (backfill).
    expect(await resolveLogin(deps, { unionKey: UNION, appid: 'wxOA', openid: 'oF2', unionid: 'X2' }, { markSeen: false })).toMatchObject({ isNewUser: true });
  });

  it('getUserView() and resolveUserId() return undefined for an id never issued', async () => {
    expect(await resolveUserId(store.identity, 'u_nobody')).toBeUndefined();
    expect(await getUserView(store, 'u_nobody')).toBeUndefined();
  });

  it("getUserView() shows the live user's phone and each identity's follow state", async () => {
    await login('wxA', 'oA1'); // u_1
    await login('wxOA', 'oF1'); // u_2
    await store.profile.setUserPhone('u_1', { phoneNumber: '+8613800000001', purePhoneNumber: '13800000001', countryCode: '86' }, T0 + 5);
    expect(await store.profile.setFollowState('wxOA', 'oF1', true, T0 + 6)).toBe(true);
    expect((await getUserView(store, 'u_1'))?.phone).toEqual({
      phoneNumber: '+8613800000001',
      purePhoneNumber: '13800000001',
      countryCode: '86',
      updatedAt: T0 + 5,
    });
    expect((await getUserView(store, 'u_2'))?.phone).toBeNull();
    expect((await getUserView(store, 'u_2'))?.identities.app).toEqual([
      { appid: 'wxOA', openid: 'oF1', unionid: null, firstSeenAt: T0, lastSeenAt: T0, subscribed: true },
    ]);
    expect((await getUserView(store, 'u_1'))?.identities.app[0]?.subscribed).toBeNull();
  });

  it("resolveLogin() merging a person gives the survivor the loser's phone when it has none, else keeps its own", async () => {
    const phone = (n: string) => ({ phoneNumber: `+86${n}`, purePhoneNumber: n, countryCode: '86' });
    await login('wxA', 'oA1'); // u_1, has a phone
    await login('wxB', 'oB1', 'X1'); // u_2 owns X1, no phone
    await store.profile.setUserPhone('u_1', phone('13800000001'), T0 + 1);
    await login('wxA', 'oA1', 'X1'); // u_1 → u_2
    expect(await getUserView(store, 'u_1')).toMatchObject({ userId: 'u_2', phone: { purePhoneNumber: '13800000001', updatedAt: T0 + 1 } });

    await login('wxC', 'oC1'); // u_3, has its own phone
    await login('wxD', 'oD1', 'Y1'); // u_4 owns Y1, has a phone
    await store.profile.setUserPhone('u_3', phone('13800000003'), T0 + 3);
    await store.profile.setUserPhone('u_4', phone('13800000004'), T0 + 4);
    await login('wxC', 'oC1', 'Y1'); // u_3 → u_4
    expect(await getUserView(store, 'u_3')).toMatchObject({ userId: 'u_4', phone: { purePhoneNumber: '13800000004' } });
    // A phone set later through the loser's old id lands on the survivor.
    expect(await store.profile.setUserPhone('u_3', phone('13800000033'), T0 + 9)).toBe('u_4');
    expect((await getUserView(store, 'u_4'))?.phone?.purePhoneNumber).toBe('13800000033');
  });

  it('getUserView() never exposes the session_key', async () => {
    await login('wxA', 'oA1', 'X1', 'sealed-secret');
    expect(JSON.stringify(await getUserView(store, 'u_1'))).not.toContain('sealed-secret');
  });
});
