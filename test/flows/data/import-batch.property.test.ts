/**
 * `weunion import` writes a batch through WriteBehindTx (rows created in memory, written in multi-row INSERTs, the
 * batch's keys read in one statement). Differential property: after a random history of logins — decrypted claims
 * among them, so claims are confirmed and displaced — a random file imported in one batch leaves exactly the graph
 * and the events that the same rows leave when each is resolved alone, one transaction per row, through the
 * identity service. User ids are random, so both graphs are compared with each user named by its identities.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { DEMO_APPS, demoConfig } from '../../../src/config/demo-config.js';
import { parseConfig } from '../../../src/config/load-config.js';
import type { ImportRow } from '../../../src/flows/data/import-row.js';
import { importUsers } from '../../../src/flows/data/import-users.js';
import { createIdentityService, resolveInTx, resolveUserId } from '../../../src/identity/index.js';
import { WriteBehindTx } from '../../../src/flows/data/write-behind-tx.js';
import type { OpenedStore } from '../../../src/store/open-store.js';
import { postgresAvailable } from '../../helpers/postgres.js';
import { type Backend, postgresBackend, sqliteBackend } from '../../store/store-backends.js';

const config = parseConfig(demoConfig());
const APPS = [DEMO_APPS.mp1, DEMO_APPS.mp2, DEMO_APPS.mpUnbound] as const;
const bound = (app: number) => app < 2;
const openid = (person: number, app: number) => `o_${app}_${person}`;
const unionid = (person: number) => `u_${person}`;

const stepArb = fc.record({ person: fc.nat(3), app: fc.nat(APPS.length - 1), knows: fc.boolean(), trusted: fc.boolean() });
const scenarioArb = fc.record({
  history: fc.array(stepArb, { maxLength: 8 }),
  file: fc.array(stepArb, { minLength: 1, maxLength: 24 }),
});
type Step = { person: number; app: number; knows: boolean; trusted: boolean };

const rowOf = (s: Step): ImportRow => ({
  appid: APPS[s.app]!,
  openid: openid(s.person, s.app),
  unionid: bound(s.app) && s.knows ? unionid(s.person) : null,
  userId: null,
});

async function play(opened: OpenedStore, history: Step[], file: Step[], batched: boolean): Promise<unknown> {
  const clock = new ManualClock({ now: () => 1_760_000_000_000 });
  const { identity: store, profile, data } = opened.store;
  const identity = createIdentityService({ identity: store, profile, clock });
  for (const s of history) {
    clock.advance(1000);
    const row = rowOf(s);
    await identity.resolve({ unionKey: bound(s.app) ? 'acme' : null, appid: row.appid, openid: row.openid, unionid: row.unionid, unionidTrusted: s.trusted });
  }
  clock.advance(1000);
  if (batched) {
    async function* lines() {
      for (const [i, s] of file.entries()) yield { lineNo: i + 1, parsed: { ok: true as const, row: rowOf(s) } };
    }
    const summary = await importUsers({ identity: store, profile, data, clock, apps: config.apps }, { lines: lines(), cursorName: 'import:p', dryRun: false });
    expect(summary.bad).toBe(0);
  } else {
    for (const s of file) {
      const row = rowOf(s);
      await identity.resolve({ unionKey: bound(s.app) ? 'acme' : null, appid: row.appid, openid: row.openid, unionid: row.unionid }, { markSeen: false });
    }
  }
  return graphOf(opened);
}

/** The store with every user id replaced by the smallest identity key of its live user. */
async function graphOf(opened: OpenedStore): Promise<unknown> {
  const db = opened.db;
  const apps = await db.selectFrom('app_identities').selectAll().orderBy('appid').orderBy('openid').execute();
  const live = new Map<string, string>();
  for (const a of apps) if (!live.has(a.user_id)) live.set(a.user_id, `${a.appid}/${a.openid}`);
  const names = new Map<string, string>();
  for (const u of await db.selectFrom('users').select('id').execute()) {
    const to = await resolveUserId(opened.store.identity, u.id);
    names.set(u.id, live.get(to!) ?? `no identity: ${to}`);
  }
  const name = (id: unknown) => (typeof id === 'string' && names.has(id) ? names.get(id)! : id);
  const users = await db.selectFrom('users').selectAll().execute();
  const unions = await db.selectFrom('union_identities').selectAll().orderBy('unionid').execute();
  const events = await db.selectFrom('events').selectAll().orderBy('id').execute();
  return {
    users: users.map((u) => [name(u.id), u.merged_into === null ? 'live' : `merged into ${name(u.merged_into)}`, Number(u.merged_at ?? 0)]).sort(),
    apps: apps.map((a) => ({ ...a, user_id: name(a.user_id) })),
    unions: unions.map((u) => ({ ...u, user_id: name(u.user_id) })),
    events: events.map((e) => {
      const data = JSON.parse(e.data) as Record<string, unknown>;
      return { type: e.type, user: name(e.user_id), at: Number(e.created_at), data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, name(v)])) };
    }),
  };
}

const backends: Array<[string, () => Promise<Backend>]> = [['sqlite', async () => sqliteBackend()]];
if (await postgresAvailable()) backends.push(['postgres', postgresBackend]);

describe.each(backends)('import in one batch = the rows resolved one by one (%s)', (_name, make) => {
  let one: Backend;
  let other: Backend;
  beforeAll(async () => {
    [one, other] = [await make(), await make()];
  });
  afterAll(async () => {
    await one?.teardown();
    await other?.teardown();
  });

  it('leaves the same users, identities, merges and events', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history, file }) => {
        const [a, b] = [await one.open(), await other.open()];
        try {
          const batched = await play(a, history, file, true);
          const alone = await play(b, history, file, false);
          expect(batched).toEqual(alone);
        } finally {
          await a.close();
          await b.close();
        }
      }),
      { numRuns: _name === 'sqlite' ? 150 : 40 },
    );
  }, 120_000);

  // Paths an import never takes (its unionids are WeChat's word), which WriteBehindTx must still do exactly:
  // decrypted claims created, confirmed and displaced inside the batch, and a pending claim released.
  it('any logins in one transaction through WriteBehindTx leave what they leave through the plain transaction', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history, file }) => {
        const [a, b] = [await one.open(), await other.open()];
        try {
          const run = async (opened: OpenedStore, behind: boolean) => {
            let seq = 0;
            const ctx = { newId: () => `u${++seq}`, now: 1_760_000_000_000, touch: true };
            await opened.store.identity.transaction(async (inner) => {
              const tx = behind ? new WriteBehindTx(inner) : inner;
              for (const s of [...history, ...file]) {
                const row = rowOf(s);
                ctx.now += 61_000;
                await resolveInTx(tx, ctx, {
                  unionKey: bound(s.app) ? 'acme' : null,
                  appid: row.appid,
                  openid: row.openid,
                  unionid: row.unionid,
                  unionidTrusted: s.trusted,
                });
              }
              if (tx instanceof WriteBehindTx) await tx.flush();
            });
            return graphOf(opened);
          };
          expect(await run(a, true)).toEqual(await run(b, false));
        } finally {
          await a.close();
          await b.close();
        }
      }),
      { numRuns: _name === 'sqlite' ? 150 : 40 },
    );
  }, 120_000);
});
