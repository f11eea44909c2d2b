/**
 * The design's invariants as properties: random sequences of logins (persons × apps × whether the
 * unionid is known at that moment), each batch run concurrently (on PostgreSQL across two "instances",
 * i.e. two pools), then checked against the database.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { resolveLogin } from '../../src/identity/resolve-login.js';
import { resolveUserId } from '../../src/identity/resolve-user.js';
import type { OpenedStore } from '../../src/store/open-store.js';
import { identityBackends } from './identity-backends.js';

const UNION = 'acme';
/** Three apps bound to the union and one unbound (it never gets a unionid). */
const APPS = [
  { appid: 'wxA', bound: true },
  { appid: 'wxB', bound: true },
  { appid: 'wxC', bound: true },
  { appid: 'wxSolo', bound: false },
] as const;
const PERSONS = 4;

interface Login {
  person: number;
  app: number;
  /** Whether this road disclosed the unionid (ignored for the unbound app). */
  knowsUnionid: boolean;
}

const loginArb: fc.Arbitrary<Login> = fc.record({
  person: fc.nat(PERSONS - 1),
  app: fc.nat(APPS.length - 1),
  knowsUnionid: fc.boolean(),
});
const scenarioArb = fc.array(fc.array(loginArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 });

const openidOf = (person: number, app: number) => `o_${APPS[app]!.appid}_${person}`;
const unionidOf = (person: number) => `x_${person}`;

async function runScenario(stores: OpenedStore[], batches: Login[][]): Promise<void> {
  const clock = new ManualClock({ now: () => 1_750_000_000_000 });
  let seq = 0;
  const returned: Array<{ login: Login; userId: string }> = [];
  const seen = new Set<string>();
  let call = 0;
  for (const batch of batches) {
    clock.advance(1);
    const results = await Promise.all(
      batch.map((login) => {
        const app = APPS[login.app]!;
        seen.add(`${app.appid}/${openidOf(login.person, login.app)}`);
        const store = stores[call++ % stores.length]!.store.identity;
        return resolveLogin(
          { store, clock, newId: () => `u_${++seq}` },
          {
            unionKey: app.bound ? UNION : null,
            appid: app.appid,
            openid: openidOf(login.person, login.app),
            unionid: app.bound && login.knowsUnionid ? unionidOf(login.person) : null,
          },
        ).then((r) => returned.push({ login, userId: r.userId }));
      }),
    );
    expect(results).toHaveLength(batch.length);
  }

  const db = stores[0]!.db;
  const store = stores[0]!.store;
  const users = await db.selectFrom('users').selectAll().execute();
  const live = new Set(users.filter((u) => u.merged_into === null).map((u) => u.id));
  const apps = await db.selectFrom('app_identities').selectAll().execute();
  const unions = await db.selectFrom('union_identities').selectAll().execute();
  const ownerOf = new Map(apps.map((a) => [`${a.appid}/${a.openid}`, a.user_id]));

  // No identity lost, none invented.
  expect(apps.length).toBe(seen.size);
  expect(new Set(ownerOf.keys())).toEqual(seen);
  // Every identity points at a live user.
  for (const a of apps) expect(live.has(a.user_id)).toBe(true);
  for (const u of unions) expect(live.has(u.user_id)).toBe(true);
  // Aliases point straight at a live survivor (chains one hop long).
  for (const u of users) if (u.merged_into !== null) expect(live.has(u.merged_into)).toBe(true);

  // Every id ever returned resolves to one live user: the current owner of that login's identity.
  for (const { login, userId } of returned) {
    const resolved = await resolveUserId(store.identity, userId);
    expect(resolved).toBeDefined();
    expect(live.has(resolved!)).toBe(true);
    expect(resolved).toBe(ownerOf.get(`${APPS[login.app]!.appid}/${openidOf(login.person, login.app)}`));
  }

  for (let person = 0; person < PERSONS; person++) {
    const mine = returned.filter((r) => r.login.person === person);
    const boundUsed = new Set(mine.filter((r) => APPS[r.login.app]!.bound).map((r) => r.login.app));
    const boundKnown = new Set(mine.filter((r) => APPS[r.login.app]!.bound && r.login.knowsUnionid).map((r) => r.login.app));
    const unionRows = unions.filter((u) => u.union_key === UNION && u.unionid === unionidOf(person));
    // One (live) user per (union, unionid), present exactly when some road disclosed it.
    expect(unionRows).toHaveLength(boundKnown.size > 0 ? 1 : 0);
    if (boundKnown.size > 0) {
      // Every app identity that learnt the unionid is on the unionid's user.
      for (const app of boundKnown) expect(ownerOf.get(`${APPS[app]!.appid}/${openidOf(person, app)}`)).toBe(unionRows[0]!.user_id);
    }
    if (boundUsed.size > 0 && boundKnown.size === boundUsed.size) {
      // Once every bound app this person used has seen the unionid, the person is one user.
      const owners = new Set([...boundUsed].map((app) => ownerOf.get(`${APPS[app]!.appid}/${openidOf(person, app)}`)));
      expect(owners.size).toBe(1);
    }
  }

  // No false merges: two persons never share a user.
  const personOfUser = new Map<string, number>();
  for (const [key, userId] of ownerOf) {
    const person = Number(key.split('_').pop());
    expect(personOfUser.get(userId) ?? person).toBe(person);
    personOfUser.set(userId, person);
  }

  // The outbox agrees: one user.created per user, one user.merged per alias.
  const events = await store.identity.listEvents({ limit: 10_000 });
  expect(events.filter((e) => e.type === 'user.created')).toHaveLength(users.length);
  expect(events.filter((e) => e.type === 'user.merged')).toHaveLength(users.length - live.size);
}

describe.each(await identityBackends())('identity invariants on %s', (name, make) => {
  it('resolveLogin() keeps every invariant under random concurrent logins', async () => {
    const backend = await make();
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (batches) => {
          const first = await backend.open();
          const stores = name === 'postgres' ? [first, await backend.open({ keep: true })] : [first];
          try {
            await runScenario(stores, batches);
          } finally {
            for (const s of stores) await s.close();
          }
        }),
        { numRuns: name === 'postgres' ? 40 : 100 },
      );
    } finally {
      await backend.teardown();
    }
  }, 60_000);
});
