/**
 * The trust rule as properties (docs/design.md "Whose word a unionid is"): app wxA's AppSecret is in an attacker's
 * hands, so its decrypted unionids (`unionidTrusted: false`) name anyone; wxB and wxC log people in with WeChat's
 * own word (each person's true unionid, or none). Whatever the sequence:
 * - a decrypt-road request from wxA never moves an identity of another app to another live user, and never gives
 *   another app's identity a new unionid (checked after each one, one at a time);
 * - under concurrent batches (on PostgreSQL across two pools), no user ever holds two persons' identities, and
 *   there is one live owner per (union, unionid).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { resolveLogin } from '../../src/identity/resolve-login.js';
import { resolveUserId } from '../../src/identity/resolve-user.js';
import type { OpenedStore } from '../../src/store/open-store.js';
import { identityBackends } from '../identity/identity-backends.js';

const UNION = 'acme';
const APPS = ['wxA', 'wxB', 'wxC'] as const;
const PERSONS = 4;

interface Op {
  person: number;
  app: number;
  /** wxA: the person whose unionid the forged data names; wxB/wxC: whether WeChat disclosed the unionid. */
  claims: number;
  knows: boolean;
}

const opArb: fc.Arbitrary<Op> = fc.record({ person: fc.nat(PERSONS - 1), app: fc.nat(APPS.length - 1), claims: fc.nat(PERSONS - 1), knows: fc.boolean() });
const openidOf = (person: number, app: number) => `o_${APPS[app]}_${person}`;
const unionidOf = (person: number) => `x_${person}`;

function inputOf(op: Op) {
  const appid = APPS[op.app]!;
  const openid = openidOf(op.person, op.app);
  if (appid === 'wxA') return { unionKey: UNION, appid, openid, unionid: unionidOf(op.claims), unionidTrusted: false };
  return { unionKey: UNION, appid, openid, unionid: op.knows ? unionidOf(op.person) : null };
}

/** (appid/openid) → [live user, unionid] of every identity of the trusted apps. */
async function othersView(opened: OpenedStore): Promise<Map<string, string>> {
  const rows = await opened.db.selectFrom('app_identities').selectAll().where('appid', '!=', 'wxA').execute();
  const view = new Map<string, string>();
  for (const r of rows) view.set(`${r.appid}/${r.openid}`, `${await resolveUserId(opened.store.identity, r.user_id)}|${r.unionid}`);
  return view;
}

async function checkNoFalseJoins(opened: OpenedStore): Promise<void> {
  const apps = await opened.db.selectFrom('app_identities').selectAll().execute();
  const users = await opened.db.selectFrom('users').selectAll().execute();
  const live = new Set(users.filter((u) => u.merged_into === null).map((u) => u.id));
  const personOfUser = new Map<string, number>();
  for (const a of apps) {
    expect(live.has(a.user_id)).toBe(true);
    const person = Number(a.openid.split('_').pop());
    expect(personOfUser.get(a.user_id) ?? person, `user ${a.user_id} holds identities of two persons`).toBe(person);
    personOfUser.set(a.user_id, person);
  }
  const unions = await opened.db.selectFrom('union_identities').selectAll().execute();
  for (const u of unions) expect(live.has(u.user_id)).toBe(true);
  expect(new Set(unions.map((u) => `${u.union_key}/${u.unionid}`)).size).toBe(unions.length);
}

describe.each(await identityBackends())('decrypted claims of one app on %s', (name, make) => {
  it('a decrypt-road request from wxA never moves, or links, an identity of another app', async () => {
    const backend = await make();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 24 }), async (ops) => {
          const opened = await backend.open();
          const clock = new ManualClock({ now: () => 1_750_000_000_000 });
          let seq = 0;
          const deps = { store: opened.store.identity, clock, newId: () => `u_${++seq}` };
          try {
            for (const op of ops) {
              clock.advance(1);
              const before = APPS[op.app] === 'wxA' ? await othersView(opened) : undefined;
              const r = await resolveLogin(deps, inputOf(op));
              if (before) {
                expect(await othersView(opened)).toEqual(before);
                expect(r.mergedUserIds).toEqual([]);
              }
            }
            await checkNoFalseJoins(opened);
          } finally {
            await opened.close();
          }
        }),
        { numRuns: name === 'postgres' ? 25 : 80 },
      );
    } finally {
      await backend.teardown();
    }
  }, 120_000);

  it('under concurrent batches no user ever holds two persons’ identities', async () => {
    const backend = await make();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), async (batches) => {
          const first = await backend.open();
          const stores = name === 'postgres' ? [first, await backend.open({ keep: true })] : [first];
          const clock = new ManualClock({ now: () => 1_750_000_000_000 });
          let seq = 0;
          let call = 0;
          try {
            for (const batch of batches) {
              clock.advance(1);
              await Promise.all(
                batch.map((op) =>
                  resolveLogin({ store: stores[call++ % stores.length]!.store.identity, clock, newId: () => `u_${++seq}_${call}` }, inputOf(op)),
                ),
              );
            }
            await checkNoFalseJoins(first);
          } finally {
            for (const s of stores) await s.close();
          }
        }),
        { numRuns: name === 'postgres' ? 25 : 80 },
      );
    } finally {
      await backend.teardown();
    }
  }, 120_000);
});
