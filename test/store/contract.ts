/**
 * The IdentityStore contract: every implementation (SQLite, PostgreSQL) runs this same suite.
 * `open` must return an empty, migrated store; the suite closes it after each test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UniqueViolationError, type AppIdentityRow, type IdentityStore, type UnionIdentityRow, type UserRow, type WeunionStore } from '../../src/store/port.js';

// Beyond 2^31 and 2^32, to prove bigint columns round-trip as exact numbers.
const T0 = 1_800_000_000_123;

const user = (id: string, createdAt = T0): UserRow => ({ id, createdAt, mergedInto: null, mergedAt: null });
const app = (appid: string, openid: string, userId: string, extra: Partial<AppIdentityRow> = {}): AppIdentityRow => ({
  appid,
  openid,
  userId,
  unionid: null,
  sessionKeyEnc: null,
  firstSeenAt: T0,
  lastSeenAt: T0,
  subscribed: null,
  subscribedAt: null,
  pendingUnionid: null,
  ...extra,
});
const union = (unionKey: string, unionid: string, userId: string, confirmed = true): UnionIdentityRow => ({
  unionKey,
  unionid,
  userId,
  createdAt: T0,
  confirmed,
});

export function identityStoreContract(open: () => Promise<WeunionStore>): void {
  describe('IdentityStore contract', () => {
    let opened: WeunionStore;
    let store: IdentityStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.identity;
    });
    afterEach(async () => {
      await opened.close();
    });

    it('findUser() returns undefined for an unknown id and the row after insertUser()', async () => {
      expect(await store.findUser('u_nobody')).toBeUndefined();
      await store.transaction((tx) => tx.insertUser(user('u_1')));
      const found = await store.findUser('u_1');
      expect(found).toEqual(user('u_1'));
      expect(typeof found?.createdAt).toBe('number');
      await store.transaction(async (tx) => expect(await tx.findUser('u_1')).toEqual(user('u_1')));
    });

    it('insertUser() throws UniqueViolationError(users_pk) on a duplicate id', async () => {
      await store.transaction((tx) => tx.insertUser(user('u_1')));
      const err = await store.transaction((tx) => tx.insertUser(user('u_1'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect((err as UniqueViolationError).constraint).toBe('users_pk');
    });

    it('insertAppIdentity() stores every field; findAppIdentity() reads it in and out of a transaction', async () => {
      const row = app('wxA', 'o1', 'u_1', { unionid: 'x1', sessionKeyEnc: 'sealed', lastSeenAt: T0 + 5 });
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertAppIdentity(row);
        expect(await tx.findAppIdentity('wxA', 'o1')).toEqual(row);
      });
      expect(await store.findAppIdentity('wxA', 'o1')).toEqual(row);
      expect(await store.findAppIdentity('wxA', 'o2')).toBeUndefined();
      expect(await store.findAppIdentity('wxB', 'o1')).toBeUndefined();
    });

    it('insertAppIdentity() throws UniqueViolationError(app_identities_pk) on a duplicate (appid, openid)', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1'));
        // Same openid in another app is another identity.
        await tx.insertAppIdentity(app('wxB', 'o1', 'u_1'));
      });
      const err = await store.transaction((tx) => tx.insertAppIdentity(app('wxA', 'o1', 'u_2'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect((err as UniqueViolationError).constraint).toBe('app_identities_pk');
      expect((await store.findAppIdentity('wxA', 'o1'))?.userId).toBe('u_1');
    });

    it('insertUnionIdentity() round-trips and throws UniqueViolationError(union_identities_pk) on a duplicate', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
        await tx.insertUnionIdentity(union('acme', 'x1', 'u_1'));
        // Same unionid string in another union is another identity.
        await tx.insertUnionIdentity(union('other', 'x1', 'u_2'));
        expect(await tx.findUnionIdentity('acme', 'x1')).toEqual(union('acme', 'x1', 'u_1'));
        expect(await tx.findUnionIdentity('acme', 'x2')).toBeUndefined();
      });
      const err = await store.transaction((tx) => tx.insertUnionIdentity(union('acme', 'x1', 'u_2'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect((err as UniqueViolationError).constraint).toBe('union_identities_pk');
      expect(await store.listUnionIdentities('u_1')).toEqual([union('acme', 'x1', 'u_1')]);
      expect(await store.listUnionIdentities('u_2')).toEqual([union('other', 'x1', 'u_2')]);
    });

    it('findAppIdentityInUnion() returns the identity and the owner of (union, unionid) in one read', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1', { unionid: 'x1' }));
        await tx.insertUnionIdentity(union('acme', 'x1', 'u_1'));
        await tx.insertUnionIdentity(union('other', 'x1', 'u_2'));
      });
      expect(await store.findAppIdentityInUnion('wxA', 'o1', 'acme', 'x1')).toEqual({
        identity: app('wxA', 'o1', 'u_1', { unionid: 'x1' }),
        unionOwner: 'u_1',
        unionConfirmed: true,
      });
      expect((await store.findAppIdentityInUnion('wxA', 'o1', 'other', 'x1'))?.unionOwner).toBe('u_2');
      expect((await store.findAppIdentityInUnion('wxA', 'o1', 'acme', 'nobody'))?.unionOwner).toBeNull();
      expect(await store.findAppIdentityInUnion('wxA', 'o2', 'acme', 'x1')).toBeUndefined();
    });

    it('insertAppIdentity() refuses a user id that does not exist (foreign key), not as a unique violation', async () => {
      const err = await store.transaction((tx) => tx.insertAppIdentity(app('wxA', 'o1', 'u_ghost'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(UniqueViolationError);
      expect(await store.findAppIdentity('wxA', 'o1')).toBeUndefined();
    });

    it('updateAppIdentity() changes only the given fields', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1', { sessionKeyEnc: 'k1' }));
      });
      await store.transaction((tx) => tx.updateAppIdentity('wxA', 'o1', { unionid: 'x1', lastSeenAt: T0 + 60_000 }));
      expect(await store.findAppIdentity('wxA', 'o1')).toEqual(app('wxA', 'o1', 'u_1', { unionid: 'x1', sessionKeyEnc: 'k1', lastSeenAt: T0 + 60_000 }));
      await store.transaction((tx) => tx.updateAppIdentity('wxA', 'o1', { userId: 'u_2', sessionKeyEnc: 'k2' }));
      expect(await store.findAppIdentity('wxA', 'o1')).toEqual(app('wxA', 'o1', 'u_2', { unionid: 'x1', sessionKeyEnc: 'k2', lastSeenAt: T0 + 60_000 }));
      // An empty patch writes nothing and succeeds.
      await store.transaction((tx) => tx.updateAppIdentity('wxA', 'o1', {}));
    });

    it('updateAppIdentity() throws a TypeError when there is no such app identity', async () => {
      await expect(store.transaction((tx) => tx.updateAppIdentity('wxA', 'nope', { lastSeenAt: T0 }))).rejects.toThrow(TypeError);
      await expect(store.transaction((tx) => tx.updateAppIdentity('wxA', 'nope', {}))).rejects.toThrow(TypeError);
    });

    it('moveIdentities() re-points every app and union identity of a user and counts them', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
        await tx.insertUser(user('u_3'));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1'));
        await tx.insertAppIdentity(app('wxB', 'o1b', 'u_1'));
        await tx.insertAppIdentity(app('wxC', 'o3', 'u_3'));
        await tx.insertUnionIdentity(union('acme', 'x1', 'u_1'));
      });
      const moved = await store.transaction((tx) => tx.moveIdentities('u_1', 'u_2'));
      expect(moved).toEqual({ app: 2, union: 1 });
      expect(await store.listAppIdentities('u_1')).toEqual([]);
      expect((await store.listAppIdentities('u_2')).map((r) => `${r.appid}/${r.openid}`)).toEqual(['wxA/o1', 'wxB/o1b']);
      expect(await store.listUnionIdentities('u_2')).toEqual([union('acme', 'x1', 'u_2')]);
      expect((await store.listAppIdentities('u_3')).length).toBe(1);
      expect(await store.transaction((tx) => tx.moveIdentities('u_1', 'u_2'))).toEqual({ app: 0, union: 0 });
    });

    it('markMerged() marks the loser and re-points its earlier aliases to the survivor', async () => {
      await store.transaction(async (tx) => {
        for (const id of ['u_old', 'u_mid', 'u_top']) await tx.insertUser(user(id));
      });
      await store.transaction((tx) => tx.markMerged('u_old', 'u_mid', T0 + 1));
      expect(await store.findUser('u_old')).toEqual({ ...user('u_old'), mergedInto: 'u_mid', mergedAt: T0 + 1 });
      expect(await store.listAliases('u_mid')).toEqual(['u_old']);

      await store.transaction((tx) => tx.markMerged('u_mid', 'u_top', T0 + 2));
      expect(await store.findUser('u_mid')).toEqual({ ...user('u_mid'), mergedInto: 'u_top', mergedAt: T0 + 2 });
      // The older alias now points straight at the survivor and keeps its own merged_at.
      expect(await store.findUser('u_old')).toEqual({ ...user('u_old'), mergedInto: 'u_top', mergedAt: T0 + 1 });
      expect(await store.listAliases('u_top')).toEqual(['u_mid', 'u_old']);
      expect(await store.listAliases('u_mid')).toEqual([]);
    });

    it('markMerged() throws a TypeError for a self-merge or an unknown loser', async () => {
      await store.transaction((tx) => tx.insertUser(user('u_1')));
      await expect(store.transaction((tx) => tx.markMerged('u_1', 'u_1', T0))).rejects.toThrow(TypeError);
      await expect(store.transaction((tx) => tx.markMerged('u_ghost', 'u_1', T0))).rejects.toThrow(TypeError);
    });

    it('lockUser() returns the user row, or undefined for an unknown id', async () => {
      await store.transaction((tx) => tx.insertUser(user('u_1')));
      await store.transaction(async (tx) => {
        expect(await tx.lockUser('u_1', 'share')).toEqual(user('u_1'));
        expect(await tx.lockUser('u_1', 'update')).toEqual(user('u_1'));
        expect(await tx.lockUser('u_ghost', 'update')).toBeUndefined();
      });
    });

    it('lockUser() in another transaction waits for the lock holder and returns what it committed', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = store.transaction(async (tx) => {
        await tx.lockUser('u_1', 'update');
        locked();
        await gate;
        await tx.markMerged('u_1', 'u_2', T0);
      });
      await isLocked;
      const waiter = store.transaction((tx) => tx.lockUser('u_1', 'share'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      await holder;
      expect((await waiter)?.mergedInto).toBe('u_2');
    });

    it('appendEvent() appends in order; listEvents() pages with afterId and limit and parses data', async () => {
      await store.transaction(async (tx) => {
        await tx.appendEvent({ type: 'user.created', userId: 'u_1', data: { appid: 'wxA', n: 1, nested: { ok: true } }, createdAt: T0 });
        await tx.appendEvent({ type: 'identity.linked', userId: 'u_1', data: { unionid: 'x1' }, createdAt: T0 + 1 });
        await tx.appendEvent({ type: 'user.merged', userId: 'u_2', data: { mergedUserId: 'u_1' }, createdAt: T0 + 2 });
      });
      const all = await store.listEvents();
      expect(all.map((e) => e.type)).toEqual(['user.created', 'identity.linked', 'user.merged']);
      expect(all[0]).toMatchObject({ userId: 'u_1', data: { appid: 'wxA', n: 1, nested: { ok: true } }, createdAt: T0 });
      const ids = all.map((e) => e.id);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(new Set(ids).size).toBe(3);
      expect((await store.listEvents({ afterId: ids[0]! })).map((e) => e.id)).toEqual(ids.slice(1));
      expect((await store.listEvents({ limit: 2 })).map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect(await store.listEvents({ afterId: ids[2]! })).toEqual([]);
    });

    it('listEvents() throws a TypeError for a bad cursor or limit', async () => {
      await expect(store.listEvents({ afterId: -1 })).rejects.toThrow(TypeError);
      await expect(store.listEvents({ limit: 0 })).rejects.toThrow(TypeError);
    });

    it('transaction() returns what fn returns', async () => {
      expect(await store.transaction(async () => 42)).toBe(42);
    });

    it('transaction() rolls every write back and rethrows the same error when fn throws', async () => {
      const boom = new Error('boom');
      const err = await store
        .transaction(async (tx) => {
          await tx.insertUser(user('u_1'));
          await tx.insertAppIdentity(app('wxA', 'o1', 'u_1'));
          await tx.appendEvent({ type: 'user.created', userId: 'u_1', data: {}, createdAt: T0 });
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(err).toBe(boom);
      expect(await store.findUser('u_1')).toBeUndefined();
      expect(await store.findAppIdentity('wxA', 'o1')).toBeUndefined();
      expect(await store.counts()).toEqual({ users: 0, liveUsers: 0, appIdentities: 0, unionIdentities: 0, events: 0 });
    });

    it('transaction() rolls back the earlier writes of a transaction that hit a unique violation', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1'));
      });
      const err = await store
        .transaction(async (tx) => {
          await tx.insertUser(user('u_2'));
          await tx.insertAppIdentity(app('wxA', 'o1', 'u_2'));
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect(await store.findUser('u_2')).toBeUndefined();
      // The store is still usable afterwards.
      await store.transaction((tx) => tx.insertUser(user('u_3')));
      expect(await store.findUser('u_3')).toEqual(user('u_3'));
    });

    it('transaction() runs concurrent transactions without losing writes', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.insertUser(user(`u_${i}`));
            await tx.insertAppIdentity(app('wxA', `o${i}`, `u_${i}`));
          }),
        ),
      );
      expect((await store.counts()).appIdentities).toBe(8);
    });

    it('counts() counts users, live users, identities and events', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUser(user('u_2'));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1'));
        await tx.insertUnionIdentity(union('acme', 'x1', 'u_2'));
        await tx.markMerged('u_1', 'u_2', T0);
        await tx.appendEvent({ type: 'user.merged', userId: 'u_2', data: {}, createdAt: T0 });
      });
      expect(await store.counts()).toEqual({ users: 2, liveUsers: 1, appIdentities: 1, unionIdentities: 1, events: 1 });
    });

    it('listAppIdentities() and listUnionIdentities() return [] for a user without identities', async () => {
      expect(await store.listAppIdentities('u_nobody')).toEqual([]);
      expect(await store.listUnionIdentities('u_nobody')).toEqual([]);
      expect(await store.listAliases('u_nobody')).toEqual([]);
    });

    it('insertUnionIdentity() keeps whether a link is confirmed; confirmUnionIdentity() confirms it', async () => {
      await store.transaction(async (tx) => {
        await tx.insertUser(user('u_1'));
        await tx.insertUnionIdentity(union('acme', 'x1', 'u_1', false));
      });
      expect(await store.listUnionIdentities('u_1')).toEqual([union('acme', 'x1', 'u_1', false)]);
      await store.transaction((tx) => tx.confirmUnionIdentity('acme', 'x1'));
      expect(await store.listUnionIdentities('u_1')).toEqual([union('acme', 'x1', 'u_1', true)]);
      await expect(store.transaction((tx) => tx.confirmUnionIdentity('acme', 'nope'))).rejects.toThrow(TypeError);
    });

    it('releaseUnionClaim() voids only an unconfirmed claim of that user, keeping the unionid aside on its app identities', async () => {
      await store.transaction(async (tx) => {
        for (const id of ['u_1', 'u_2']) await tx.insertUser(user(id));
        await tx.insertUnionIdentity(union('acme', 'x1', 'u_1', false));
        await tx.insertUnionIdentity(union('acme', 'x2', 'u_2', true));
        await tx.insertAppIdentity(app('wxA', 'o1', 'u_1', { unionid: 'x1' }));
        await tx.insertAppIdentity(app('wxB', 'o2', 'u_2', { unionid: 'x2' }));
      });
      // Another user's claim, or a confirmed link: nothing happens.
      expect(await store.transaction((tx) => tx.releaseUnionClaim('acme', 'x1', 'u_2'))).toEqual({ released: false, appIdentities: 0 });
      expect(await store.transaction((tx) => tx.releaseUnionClaim('acme', 'x2', 'u_2'))).toEqual({ released: false, appIdentities: 0 });
      expect(await store.transaction((tx) => tx.releaseUnionClaim('acme', 'x1', 'u_1'))).toEqual({ released: true, appIdentities: 1 });
      expect(await store.listUnionIdentities('u_1')).toEqual([]);
      expect(await store.findAppIdentity('wxA', 'o1')).toMatchObject({ userId: 'u_1', unionid: null, pendingUnionid: 'x1' });
      expect(await store.findAppIdentity('wxB', 'o2')).toMatchObject({ unionid: 'x2', pendingUnionid: null });
    });

    it('close() can be called twice', async () => {
      await opened.close();
      await opened.close();
    });
  });
}
