/**
 * Seeds a weunion store with `count` users quickly, by bulk inserts (not logins): for each user a `users` row, a
 * mini-program `app_identities` row (random 28-character openid, a sealed-looking session_key) and a
 * `union_identities` row — what a login of a bound mini program leaves behind. SQLite: multi-row INSERTs of 1,000
 * rows, 50,000 rows per transaction. PostgreSQL: INSERT … SELECT FROM unnest($1::text[], …) of 10,000 rows per
 * statement. Ids are random, so the seeded keys are spread over the whole index as real ones are.
 * `extra` persons (the bench's own emulator persons) are seeded among them, so their logins are returning ones.
 * CLI: `tsx bench/seed-users.ts <storage-url> <count>`.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { DEMO_APPS, DEMO_UNION } from '../src/config/demo-config.js';
import { createUserId } from '../src/identity/user-id.js';
import { openStore } from '../src/store/index.js';

export interface SeedPerson {
  openid: string;
  unionid: string;
}

interface Batch {
  ids: string[];
  openids: string[];
  unionids: string[];
  keys: string[];
}

const openidLike = () => `o${randomBytes(21).toString('base64url')}`; // 28 characters, like WeChat's

function batchOf(size: number, extra: SeedPerson[]): Batch {
  const b: Batch = { ids: [], openids: [], unionids: [], keys: [] };
  for (let i = 0; i < size; i++) {
    const p = extra.pop();
    b.ids.push(createUserId());
    b.openids.push(p?.openid ?? openidLike());
    b.unionids.push(p?.unionid ?? openidLike());
    b.keys.push(randomBytes(52).toString('base64url')); // the length of a sealed session_key
  }
  return b;
}

/** Migrates `url` and bulk-inserts `count` users (the `extra` persons among them); returns the seconds it took. */
export async function seedUsers(url: string, count: number, extra: SeedPerson[] = []): Promise<number> {
  const started = performance.now();
  const opened = await openStore(url, { poolSize: 2 });
  try {
    const { error } = await opened.migrate();
    if (error) throw error;
    const db = opened.db;
    const now = Date.now() - 86_400_000;
    const pending = [...extra];
    const appid = DEMO_APPS.mp1;
    if (opened.dialect === 'sqlite') {
      const perTx = 50_000;
      for (let done = 0; done < count; done += perTx) {
        await db.transaction().execute(async (tx) => {
          for (let k = done; k < Math.min(count, done + perTx); k += 1000) {
            const b = batchOf(Math.min(1000, count - k), pending);
            await tx
              .insertInto('users')
              .values(b.ids.map((id) => ({ id, created_at: now, merged_into: null, merged_at: null })))
              .execute();
            await tx
              .insertInto('app_identities')
              .values(
                b.ids.map((id, i) => ({
                  appid,
                  openid: b.openids[i]!,
                  user_id: id,
                  unionid: b.unionids[i]!,
                  session_key_enc: b.keys[i]!,
                  first_seen_at: now,
                  last_seen_at: now,
                })),
              )
              .execute();
            await tx
              .insertInto('union_identities')
              .values(b.ids.map((id, i) => ({ union_key: DEMO_UNION.id, unionid: b.unionids[i]!, user_id: id, created_at: now })))
              .execute();
          }
        });
      }
    } else {
      for (let k = 0; k < count; k += 10_000) {
        const b = batchOf(Math.min(10_000, count - k), pending);
        await db.transaction().execute(async (tx) => {
          await sql`INSERT INTO users (id, created_at) SELECT id, ${now}::bigint FROM unnest(${b.ids}::text[]) AS t(id)`.execute(tx);
          await sql`INSERT INTO app_identities (appid, openid, user_id, unionid, session_key_enc, first_seen_at, last_seen_at)
            SELECT ${appid}, o, u, n, k, ${now}::bigint, ${now}::bigint FROM unnest(${b.openids}::text[], ${b.ids}::text[], ${b.unionids}::text[], ${b.keys}::text[]) AS t(o, u, n, k)`.execute(
            tx,
          );
          await sql`INSERT INTO union_identities (union_key, unionid, user_id, created_at)
            SELECT ${DEMO_UNION.id}, n, u, ${now}::bigint FROM unnest(${b.unionids}::text[], ${b.ids}::text[]) AS t(n, u)`.execute(tx);
        });
      }
      await sql`ANALYZE`.execute(db); // as autovacuum would soon after a load
    }
    if (pending.length) throw new Error(`count (${count}) is smaller than the ${extra.length} extra persons`);
  } finally {
    await opened.close();
  }
  return (performance.now() - started) / 1000;
}

if (process.argv[1]?.endsWith('seed-users.ts') && process.argv[2]) {
  const seconds = await seedUsers(process.argv[2], Number(process.argv[3] ?? 1_000_000));
  process.stdout.write(`seeded ${process.argv[3] ?? 1_000_000} users in ${seconds.toFixed(1)} s\n`);
}
