/**
 * 0001-initial — the identity graph and its outbox.
 *
 * Why: everything weunion promises rests on these four tables. `(appid, openid)` and `(union_id,
 * unionid)` are primary keys, so two concurrent logins of one person cannot both create an identity:
 * the loser's transaction hits the key and is retried (see `identity/resolve-login.ts`). Users are never
 * deleted; a merged user keeps its row with `merged_into` so every id we handed out still resolves.
 * `events` is the outbox written in the same transaction as the change it records.
 */
import type { Kysely, Migration } from 'kysely';
import { dialectName } from '../dialects/dialect-name.js';

export const migration0001Initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const dialect = dialectName(db);

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('merged_into', 'text', (c) => c.references('users.id'))
      .addColumn('merged_at', 'bigint')
      .addPrimaryKeyConstraint('users_pk', ['id'])
      .execute();
    // markMerged re-points aliases by merged_into, and listAliases reads by it.
    await db.schema.createIndex('users_merged_into_idx').on('users').column('merged_into').execute();

    await db.schema
      .createTable('app_identities')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('openid', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('unionid', 'text')
      .addColumn('session_key_enc', 'text')
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('app_identities_pk', ['appid', 'openid'])
      .execute();
    await db.schema.createIndex('app_identities_user_id_idx').on('app_identities').column('user_id').execute();

    await db.schema
      .createTable('union_identities')
      .addColumn('union_id', 'text', (c) => c.notNull())
      .addColumn('unionid', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('union_identities_pk', ['union_id', 'unionid'])
      .execute();
    await db.schema.createIndex('union_identities_user_id_idx').on('union_identities').column('user_id').execute();

    // The outbox cursor is the id, so it must only grow: AUTOINCREMENT on SQLite (no reuse of the
    // highest id), an identity column on PostgreSQL.
    let events = db.schema.createTable('events');
    events =
      dialect === 'sqlite'
        ? events.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        : events.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
    await events
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('events').execute();
    await db.schema.dropTable('union_identities').execute();
    await db.schema.dropTable('app_identities').execute();
    await db.schema.dropTable('users').execute();
  },
};
