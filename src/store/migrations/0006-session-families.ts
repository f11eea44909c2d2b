/**
 * 0006-session-families — refresh tokens and the sessions they belong to (issue 13, "Sessions").
 *
 * Why: access tokens are short (15 min) and verified offline, so a session that outlives them needs a refresh token
 * the server can refuse. A login starts a **family** (`session_families`: the app, the user, the openid it was
 * issued for, and `revoked_at`); each refresh token is a row of `refresh_tokens` keyed by the SHA-256 of the token
 * (the token itself is never stored), pointing at its family. Rotating marks the presented row used and inserts the
 * next one; presenting a used row again is token theft, and revokes the family. Access tokens carry the family id
 * (`sid`), so a revoked family stops its access tokens too (one primary-key read per verification).
 * `session_families_user_idx` serves "sign this person out everywhere".
 */
import type { Kysely, Migration } from 'kysely';

export const migration0006SessionFamilies: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('session_families')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('openid', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('session_families_pk', ['id'])
      .execute();
    await db.schema.createIndex('session_families_user_idx').on('session_families').column('user_id').execute();
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addPrimaryKeyConstraint('refresh_tokens_pk', ['token_hash'])
      .execute();
    await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').column('family_id').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('refresh_tokens').execute();
    await db.schema.dropTable('session_families').execute();
  },
};
