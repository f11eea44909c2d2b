/** The ProfileStore contract (follow state, phone numbers), run on SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WeunionStore } from '../../src/store/port.js';

const T0 = 1_800_000_000_123;
const phone = (n: string) => ({ phoneNumber: `+86${n}`, purePhoneNumber: n, countryCode: '86' });

export function profileStoreContract(open: () => Promise<WeunionStore>): void {
  describe('ProfileStore contract', () => {
    let store: WeunionStore;
    beforeEach(async () => {
      store = await open();
      await store.identity.transaction(async (tx) => {
        for (const id of ['u_1', 'u_2']) await tx.insertUser({ id, createdAt: T0, mergedInto: null, mergedAt: null });
        await tx.insertAppIdentity({ appid: 'wxOA', openid: 'o1', userId: 'u_1', unionid: null, sessionKeyEnc: null, firstSeenAt: T0, lastSeenAt: T0 });
      });
    });
    afterEach(async () => {
      await store.close();
    });

    it('insertAppIdentity() without a follow state stores null; with one, it round-trips', async () => {
      expect(await store.identity.findAppIdentity('wxOA', 'o1')).toMatchObject({ subscribed: null, subscribedAt: null });
      await store.identity.transaction((tx) =>
        tx.insertAppIdentity({
          appid: 'wxOA',
          openid: 'o2',
          userId: 'u_2',
          unionid: null,
          sessionKeyEnc: null,
          firstSeenAt: T0,
          lastSeenAt: T0,
          subscribed: false,
          subscribedAt: T0,
        }),
      );
      expect(await store.identity.findAppIdentity('wxOA', 'o2')).toMatchObject({ subscribed: false, subscribedAt: T0 });
    });

    it('setFollowState() records follow and unfollow on an existing identity, in the order of `at`', async () => {
      expect(await store.profile.setFollowState('wxOA', 'o1', true, T0 + 10)).toBe(true);
      expect(await store.identity.findAppIdentity('wxOA', 'o1')).toMatchObject({ subscribed: true, subscribedAt: T0 + 10 });
      expect(await store.profile.setFollowState('wxOA', 'o1', false, T0 + 20)).toBe(true);
      expect(await store.identity.findAppIdentity('wxOA', 'o1')).toMatchObject({ subscribed: false, subscribedAt: T0 + 20 });
      // A retried, older subscribe does not undo the later unsubscribe.
      expect(await store.profile.setFollowState('wxOA', 'o1', true, T0 + 10)).toBe(false);
      expect(await store.identity.findAppIdentity('wxOA', 'o1')).toMatchObject({ subscribed: false, subscribedAt: T0 + 20 });
      // Other fields are untouched.
      expect(await store.identity.findAppIdentity('wxOA', 'o1')).toMatchObject({ userId: 'u_1', lastSeenAt: T0 });
    });

    it('setFollowState() is a no-op returning false for an unknown identity', async () => {
      expect(await store.profile.setFollowState('wxOA', 'o-unknown', true, T0)).toBe(false);
      expect(await store.identity.findAppIdentity('wxOA', 'o-unknown')).toBeUndefined();
      await expect(store.profile.setFollowState('wxOA', 'o1', 'yes' as unknown as boolean, T0)).rejects.toThrow(TypeError);
    });

    it('setUserPhone() stores the phone on a live user; findUserPhone() reads it; a second call replaces it', async () => {
      expect(await store.profile.findUserPhone('u_1')).toBeUndefined();
      expect(await store.profile.setUserPhone('u_1', phone('13800000001'), T0 + 1)).toBe('u_1');
      expect(await store.profile.findUserPhone('u_1')).toEqual({ ...phone('13800000001'), updatedAt: T0 + 1 });
      await store.profile.setUserPhone('u_1', phone('13800000002'), T0 + 2);
      expect(await store.profile.findUserPhone('u_1')).toEqual({ ...phone('13800000002'), updatedAt: T0 + 2 });
      expect(await store.profile.findUserPhone('u_2')).toBeUndefined();
    });

    it('setUserPhone() on a merged id writes to its survivor; an unknown user is a TypeError', async () => {
      await store.identity.transaction((tx) => tx.markMerged('u_1', 'u_2', T0));
      expect(await store.profile.setUserPhone('u_1', phone('13800000001'), T0 + 1)).toBe('u_2');
      expect(await store.profile.findUserPhone('u_2')).toMatchObject({ purePhoneNumber: '13800000001' });
      expect(await store.profile.findUserPhone('u_1')).toBeUndefined();
      await expect(store.profile.setUserPhone('u_ghost', phone('1'), T0)).rejects.toThrow(TypeError);
      await expect(store.profile.setUserPhone('u_2', { phoneNumber: 1 } as never, T0)).rejects.toThrow(TypeError);
    });

    it("carryPhone() gives the survivor the loser's phone when it has none, and keeps the survivor's own otherwise; markMerged() alone moves no phone", async () => {
      await store.identity.transaction(async (tx) => {
        for (const id of ['u_3', 'u_4']) await tx.insertUser({ id, createdAt: T0, mergedInto: null, mergedAt: null });
      });
      await store.profile.setUserPhone('u_1', phone('13800000001'), T0 + 1);
      await store.identity.transaction((tx) => tx.markMerged('u_1', 'u_2', T0 + 5));
      expect(await store.profile.findUserPhone('u_2')).toBeUndefined();
      expect(await store.identity.transaction((tx) => tx.carryPhone('u_1', 'u_2'))).toBe(true);
      expect(await store.profile.findUserPhone('u_2')).toEqual({ ...phone('13800000001'), updatedAt: T0 + 1 });

      await store.profile.setUserPhone('u_3', phone('13800000003'), T0 + 3);
      await store.profile.setUserPhone('u_4', phone('13800000004'), T0 + 4);
      expect(await store.identity.transaction(async (tx) => (await tx.markMerged('u_3', 'u_4', T0 + 5), tx.carryPhone('u_3', 'u_4')))).toBe(false);
      expect(await store.profile.findUserPhone('u_4')).toMatchObject({ purePhoneNumber: '13800000004' });
    });
  });
}
