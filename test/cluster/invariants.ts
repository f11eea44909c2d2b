/**
 * The identity invariants after a cluster run, checked twice — in the database and through the API: exactly one
 * live user per person, every identity the person used present on that user (with the unionid), every user id
 * ever issued resolving to that live user, and nothing else in the tables.
 */
import { expect } from 'vitest';
import type { Cluster } from './cluster.js';
import type { LoginAnswer } from './cluster-flows.js';

export interface Expectation {
  person: string;
  /** The apps the person used (logged in, followed). */
  appids: string[];
  /** Every answer the person was given. */
  answers: LoginAnswer[];
}

interface PersonView {
  openids: Record<string, string>;
  unionids: Record<string, string>;
}

/** Runs `fn` over `items` with at most `width` at a time. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export async function checkInvariants(cluster: Cluster, expected: Expectation[]): Promise<void> {
  const views = await pool(expected, 16, (e) => cluster.control<PersonView>(`/__emulator/persons/${e.person}`));
  const users = new Map((await cluster.sql<{ id: string; merged_into: string | null }>('select id, merged_into from users')).map((u) => [u.id, u.merged_into]));
  const resolve = (id: string): string | undefined => {
    let at: string | undefined = id;
    for (let hops = 0; at !== undefined && hops < 100; hops++) {
      if (!users.has(at)) return undefined;
      const next: string | null | undefined = users.get(at);
      if (next === null) return at;
      at = next;
    }
    return undefined;
  };
  const unionRows = await cluster.sql<{ unionid: string; user_id: string }>('select unionid, user_id from union_identities');
  const byUnionid = new Map(unionRows.map((r) => [r.unionid, r.user_id]));
  const appRows = await cluster.sql<{ appid: string; openid: string; user_id: string; unionid: string | null }>(
    'select appid, openid, user_id, unionid from app_identities',
  );
  const byOpenid = new Map(appRows.map((r) => [`${r.appid}/${r.openid}`, r]));

  // --- the database ---
  const liveUserOf = new Map<string, string>();
  for (const [i, e] of expected.entries()) {
    const unionid = Object.values(views[i]!.unionids)[0]!;
    const owner = byUnionid.get(unionid);
    expect(owner, `union identity of ${e.person}`).toBeDefined();
    expect(users.get(owner!), `the unionid's user of ${e.person} is live`).toBeNull();
    liveUserOf.set(e.person, owner!);
    for (const appid of e.appids) {
      const row = byOpenid.get(`${appid}/${views[i]!.openids[appid]}`);
      expect(row, `identity of ${e.person} in ${appid}`).toMatchObject({ user_id: owner, unionid });
    }
    for (const a of e.answers) expect(resolve(a.userId), `issued id ${a.userId} of ${e.person}`).toBe(owner);
  }
  const live = [...users.values()].filter((m) => m === null).length;
  expect(live, 'live users (one per person)').toBe(expected.length);
  expect(unionRows.length).toBe(expected.length);
  expect(appRows.length).toBe(expected.reduce((n, e) => n + e.appids.length, 0));

  // --- the API: every issued token names the person's live user, with their identities ---
  const tokens = expected.flatMap((e) => e.answers.map((a) => ({ person: e.person, token: a.token })));
  await pool(tokens, 32, async ({ person, token }, i) => {
    const live = cluster.live();
    const res = await fetch(`${live[i % live.length]!.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const view = (await res.json()) as { userId: string; identities: { app: Array<{ appid: string }> } };
    expect(view.userId).toBe(liveUserOf.get(person));
    const e = expected.find((x) => x.person === person)!;
    expect(view.identities.app.map((a) => a.appid).sort()).toEqual([...e.appids].sort());
  });
}
