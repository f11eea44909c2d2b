/**
 * Concurrent logins of one person: the race the unique keys and the retried transaction exist for.
 * The real clock is used on purpose, so every login also writes last_seen_at and the transactions
 * really collide (on PostgreSQL: serialization failures and unique violations, all retried).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { resolveLogin } from '../../src/identity/resolve-login.js';
import { resolveUserId } from '../../src/identity/resolve-user.js';
import type { OpenedStore } from '../../src/store/open-store.js';
import { identityBackends, type Backend } from './identity-backends.js';

describe.each(await identityBackends())('concurrent resolveLogin() on %s', (name, make) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await make();
  });
  afterAll(async () => {
    await backend?.teardown();
  });

  /** Two "instances" (two pools) on PostgreSQL; one store on in-memory SQLite. */
  async function instances(): Promise<OpenedStore[]> {
    const first = await backend.open();
    return name === 'postgres' ? [first, await backend.open({ keep: true })] : [first];
  }

  it('50 parallel logins of one person on two apps, unionid known, end on exactly one live user', async () => {
    const stores = await instances();
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          resolveLogin(
            { store: stores[i % stores.length]!.store.identity, clock: systemClock },
            { unionKey: 'acme', appid: i % 2 ? 'wxA' : 'wxB', openid: i % 2 ? 'oA' : 'oB', unionid: 'X1', sessionKeyEnc: `k${i}` },
          ),
        ),
      );
      const ids = new Set(results.map((r) => r.userId));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.isNewUser)).toHaveLength(1);
      const store = stores[0]!.store;
      expect(await store.identity.counts()).toMatchObject({ users: 1, liveUsers: 1, appIdentities: 2, unionIdentities: 1 });
      const events = (await store.identity.listEvents()).map((e) => e.type).sort();
      expect(events).toEqual(['identity.linked', 'user.created']);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('50 parallel logins with the unionid merge a person split across two apps into one live user', async () => {
    const stores = await instances();
    try {
      const deps = (i: number) => ({ store: stores[i % stores.length]!.store.identity, clock: systemClock });
      const a = await resolveLogin(deps(0), { unionKey: 'acme', appid: 'wxA', openid: 'oA' });
      const b = await resolveLogin(deps(1), { unionKey: 'acme', appid: 'wxB', openid: 'oB' });
      expect(a.userId).not.toBe(b.userId);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          resolveLogin(deps(i), { unionKey: 'acme', appid: i % 2 ? 'wxA' : 'wxB', openid: i % 2 ? 'oA' : 'oB', unionid: 'X1' }),
        ),
      );
      const store = stores[0]!.store;
      const live = await resolveUserId(store.identity, a.userId);
      expect(await resolveUserId(store.identity, b.userId)).toBe(live);
      for (const r of results) expect(await resolveUserId(store.identity, r.userId)).toBe(live);
      expect(await store.identity.counts()).toMatchObject({ users: 2, liveUsers: 1, appIdentities: 2, unionIdentities: 1 });
      expect(results.flatMap((r) => r.mergedUserIds)).toHaveLength(1);
      expect((await store.identity.listEvents()).filter((e) => e.type === 'user.merged')).toHaveLength(1);
    } finally {
      for (const s of stores) await s.close();
    }
  });
});
