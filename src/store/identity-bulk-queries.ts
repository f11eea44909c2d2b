/**
 * The identity port's batch statements (`findAppIdentities`, `findUnionIdentities`, `insertMany`), for a caller that
 * handles many rows in one transaction (`weunion import`): one read for a whole batch of keys and multi-row INSERTs,
 * instead of a statement per row. Written once for both dialects; errors are mapped by the caller (`withDbErrors`).
 */
import type { Kysely, Transaction } from 'kysely';
import { toAppIdentity, toUnionIdentity } from './identity-rows.js';
import type { AppIdentityRow, NewRows, UnionIdentityRow } from './port.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Rows per statement. The widest row (app_identities) binds 10 values: 500 rows stay far below SQLite's 32,766 and
 * PostgreSQL's 65,535 bound parameters.
 */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Groups the second half of each key by the first: `appid = ? AND openid IN (…)` uses the primary key on both dialects. */
function grouped<K>(keys: readonly K[], first: (k: K) => string, second: (k: K) => string): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const k of keys) {
    const list = by.get(first(k));
    if (list) list.push(second(k));
    else by.set(first(k), [second(k)]);
  }
  return by;
}

export async function findAppIdentities(db: Executor, keys: readonly { appid: string; openid: string }[]): Promise<AppIdentityRow[]> {
  const found: AppIdentityRow[] = [];
  for (const [appid, openids] of grouped(
    keys,
    (k) => k.appid,
    (k) => k.openid,
  )) {
    for (const part of chunks([...new Set(openids)])) {
      const rows = await db.selectFrom('app_identities').selectAll().where('appid', '=', appid).where('openid', 'in', part).execute();
      for (const r of rows) found.push(toAppIdentity(r));
    }
  }
  return found;
}

export async function findUnionIdentities(db: Executor, keys: readonly { unionKey: string; unionid: string }[]): Promise<UnionIdentityRow[]> {
  const found: UnionIdentityRow[] = [];
  for (const [unionKey, unionids] of grouped(
    keys,
    (k) => k.unionKey,
    (k) => k.unionid,
  )) {
    for (const part of chunks([...new Set(unionids)])) {
      const rows = await db.selectFrom('union_identities').selectAll().where('union_key', '=', unionKey).where('unionid', 'in', part).execute();
      for (const r of rows) found.push(toUnionIdentity(r));
    }
  }
  return found;
}

export async function insertMany(db: Executor, rows: NewRows): Promise<void> {
  // merged_into references users.id: the live users go first, so a merged user's survivor exists when the merged one
  // is written, whichever chunk each falls in (alias chains are one hop: a survivor is live).
  const users = [...rows.users.filter((u) => u.mergedInto === null), ...rows.users.filter((u) => u.mergedInto !== null)];
  for (const part of chunks(users)) {
    await db
      .insertInto('users')
      .values(part.map((u) => ({ id: u.id, created_at: u.createdAt, merged_into: u.mergedInto, merged_at: u.mergedAt })))
      .execute();
  }
  for (const part of chunks(rows.unionIdentities)) {
    await db
      .insertInto('union_identities')
      .values(
        part.map((r) => ({ union_key: r.unionKey, unionid: r.unionid, user_id: r.userId, created_at: r.createdAt, confirmed: r.confirmed === false ? 0 : 1 })),
      )
      .execute();
  }
  for (const part of chunks(rows.appIdentities)) {
    await db
      .insertInto('app_identities')
      .values(
        part.map((r) => ({
          appid: r.appid,
          openid: r.openid,
          user_id: r.userId,
          unionid: r.unionid,
          session_key_enc: r.sessionKeyEnc,
          first_seen_at: r.firstSeenAt,
          last_seen_at: r.lastSeenAt,
          subscribed: r.subscribed == null ? null : r.subscribed ? 1 : 0,
          subscribed_at: r.subscribedAt ?? null,
          pending_unionid: r.pendingUnionid ?? null,
        })),
      )
      .execute();
  }
  for (const part of chunks(rows.events)) {
    await db
      .insertInto('events')
      .values(part.map((e) => ({ type: e.type, user_id: e.userId, data: JSON.stringify(e.data), created_at: e.createdAt })))
      .execute();
  }
}
