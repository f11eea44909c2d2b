/**
 * 0003-union-key — `union_identities.union_id` becomes `union_key`.
 *
 * Why: our own id of an Open Platform account (config `unions[].id`) and WeChat's `unionid` differed by one letter
 * and one capital (`union_id`/`unionId` vs `unionid`), and code that mixed the two type-checked. Ours is now the
 * union *key* everywhere — column, port (`UnionIdentityRow.unionKey`), API (`/v1/me` → `identities.union[].unionKey`)
 * — and `unionid` only ever means WeChat's. A rename keeps the data, the primary key `union_identities_pk` (now on
 * `(union_key, unionid)`) and the index; SQLite ≥ 3.25 and PostgreSQL both rename in place.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0003UnionKey: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('union_identities').renameColumn('union_id', 'union_key').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('union_identities').renameColumn('union_key', 'union_id').execute();
  },
};
