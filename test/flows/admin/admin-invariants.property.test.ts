/**
 * The identity graph's invariants (docs/design.md "Invariants") hold after any sequence of logins and operators'
 * actions — unlink, merge, erase, link — on SQLite and PostgreSQL, and an action that is refused changes nothing.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { isAppError } from '../../../src/errors.js';
import { createAdminFlows } from '../../../src/flows/admin/admin-flows.js';
import { createIdentityService } from '../../../src/identity/index.js';
import type { OpenedStore } from '../../../src/store/open-store.js';
import { identityBackends } from '../../identity/identity-backends.js';

const APPS = ['wxprop000000000mp1', 'wxprop000000000oa1', 'wxprop00000000web1'];
const config = parseConfig({ unions: [{ id: 'acme' }], apps: APPS.map((appid) => ({ appid, secret: 's', kind: 'website', union: 'acme' })) });
const actor = { name: 'prop', union: null };

type Step =
  | { op: 'login'; person: number; app: number; withUnionid: boolean }
  | { op: 'unlink'; person: number; app: number }
  | { op: 'merge'; a: number; b: number }
  | { op: 'erase'; person: number }
  | { op: 'link'; person: number; app: number; openid: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('login' as const), person: fc.nat(1), app: fc.nat(2), withUnionid: fc.boolean() }),
  fc.record({ op: fc.constant('unlink' as const), person: fc.nat(1), app: fc.nat(2) }),
  fc.record({ op: fc.constant('merge' as const), a: fc.nat(1), b: fc.nat(1) }),
  fc.record({ op: fc.constant('erase' as const), person: fc.nat(1) }),
  fc.record({ op: fc.constant('link' as const), person: fc.nat(1), app: fc.nat(2), openid: fc.nat(5) }),
);

async function digest(opened: OpenedStore): Promise<string> {
  const rows = await Promise.all(
    ['users', 'app_identities', 'union_identities', 'events', 'erased_identities'].map((t) => sql`select * from ${sql.table(t)}`.execute(opened.db)),
  );
  return JSON.stringify(rows.map((r) => r.rows.map((x) => JSON.stringify(x)).sort()));
}

async function checkInvariants(opened: OpenedStore): Promise<void> {
  const q = async <T>(text: ReturnType<typeof sql<T>>) => (await text.execute(opened.db)).rows;
  // 2. Every identity points at a live, unerased user.
  expect(
    await q(sql`select a.appid from app_identities a join users u on u.id = a.user_id where u.merged_into is not null or u.erased_at is not null`),
  ).toEqual([]);
  expect(
    await q(sql`select i.unionid from union_identities i join users u on u.id = i.user_id where u.merged_into is not null or u.erased_at is not null`),
  ).toEqual([]);
  // An app identity's unionid is owned by its own user (the login fast path relies on it).
  expect(
    await q(sql`select a.appid from app_identities a left join union_identities i on i.unionid = a.unionid and i.union_key = 'acme'
      where a.unionid is not null and (i.user_id is null or i.user_id <> a.user_id)`),
  ).toEqual([]);
  // 3. Every id resolves in one hop to a user that is not merged.
  expect(await q(sql`select u.id from users u join users s on s.id = u.merged_into where s.merged_into is not null`)).toEqual([]);
  // Every user was created by an event.
  const [users] = await q<{ n: number }>(sql`select count(*) as n from users`);
  const [created] = await q<{ n: number }>(sql`select count(*) as n from events where type = 'user.created'`);
  expect(Number(created!.n)).toBe(Number(users!.n));
}

describe.each(await identityBackends())('admin actions keep the invariants on %s', (name, make) => {
  it('any sequence of logins, unlinks, merges, erasures and links', { timeout: 300_000 }, async () => {
    const backend = await make();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), async (steps) => {
          const opened = await backend.open();
          try {
            const clock = new ManualClock();
            const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock });
            const admin = createAdminFlows({ config, store: opened.store.admin, profile: opened.store.profile, sessions: opened.store.sessions, clock });
            const known = new Map<number, string>();
            const userOf = (p: number) => known.get(p) ?? 'u_00000000000000000000000000';
            for (const s of steps) {
              clock.advance(61);
              const before = s.op === 'login' ? '' : await digest(opened);
              try {
                if (s.op === 'login') {
                  const r = await identity.resolve({
                    unionKey: 'acme',
                    appid: APPS[s.app]!,
                    openid: `o${s.person}-${s.app}`,
                    unionid: s.withUnionid ? `un${s.person}` : null,
                  });
                  known.set(s.person, r.userId);
                } else if (s.op === 'unlink') await admin.unlink(actor, { appid: APPS[s.app]!, openid: `o${s.person}-${s.app}`, reason: 'p' });
                else if (s.op === 'merge') await admin.merge(actor, { survivorId: userOf(s.a), loserId: userOf(s.b), reason: 'p' });
                else if (s.op === 'erase') await admin.erase(actor, { userId: userOf(s.person), reason: 'p' });
                else await admin.link(actor, { userId: userOf(s.person), appid: APPS[s.app]!, openid: `x${s.openid}`, reason: 'p' });
              } catch (e) {
                if (!isAppError(e)) throw e;
                expect(await digest(opened), `${s.op} refused with ${e.code} changed something`).toBe(before);
              }
              await checkInvariants(opened);
            }
          } finally {
            await opened.close();
          }
        }),
        {
          numRuns: name === 'postgres' ? 10 : 25,
          // The split of an identity whose unionid another identity of the user also carries, then a merge back.
          examples: [
            [
              [
                { op: 'login', person: 0, app: 0, withUnionid: true },
                { op: 'login', person: 0, app: 1, withUnionid: true },
                { op: 'unlink', person: 0, app: 0 },
                { op: 'merge', a: 0, b: 1 },
                { op: 'erase', person: 0 },
              ],
            ],
          ],
        },
      );
    } finally {
      await backend.teardown();
    }
  });
});
