/**
 * 0007-admin-erase — what the operators' admin API needs (issue 14): erasing a person, and finding one by any id.
 *
 * Why: an erasure (personal-information law) removes the person's phone, follow state, session keys and their app
 * and union identities, yet every id we ever issued must keep resolving — to an *erased tombstone* — so a business
 * that still holds one learns "erased", not "never existed". The user row stays, marked `erased_at`. The WeChat ids
 * of the erased identities are kept only as SHA-256 digests in `erased_identities` (with the appid or union key in
 * clear: they name our apps, not the person), so a lookup by openid or unionid can still answer "erased" without the
 * database holding the id itself; a later login of that openid creates a new user, as for a stranger.
 * Finding a user by openid alone, by unionid alone or by phone number, and reading one person's event timeline,
 * would otherwise scan whole tables: each gets an index. `erased_identities.user_id` has no foreign key: user rows
 * are never deleted, and tools that empty the tables (tests truncating them) need not know of this one.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0007AdminErase: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('users').addColumn('erased_at', 'bigint').execute();
    await db.schema
      .createTable('erased_identities')
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('appid', 'text')
      .addColumn('union_key', 'text')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('erased_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('erased_identities_pk', ['key_hash'])
      .execute();
    await db.schema.createIndex('app_identities_openid_idx').on('app_identities').column('openid').execute();
    await db.schema.createIndex('union_identities_unionid_idx').on('union_identities').column('unionid').execute();
    await db.schema.createIndex('users_phone_pure_idx').on('users').column('phone_pure').execute();
    await db.schema.createIndex('users_phone_number_idx').on('users').column('phone_number').execute();
    await db.schema.createIndex('events_user_id_idx').on('events').columns(['user_id', 'id']).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    for (const index of ['events_user_id_idx', 'users_phone_number_idx', 'users_phone_pure_idx', 'union_identities_unionid_idx', 'app_identities_openid_idx']) {
      await db.schema.dropIndex(index).execute();
    }
    await db.schema.dropTable('erased_identities').execute();
    await db.schema.alterTable('users').dropColumn('erased_at').execute();
  },
};
