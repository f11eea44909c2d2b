/**
 * 0004-unionid-trust — which links WeChat itself stands behind (docs/design.md "Whose word a unionid is").
 *
 * Why: a unionid decrypted from `encryptedData` is only as trustworthy as the least-guarded AppSecret in the union
 * (whoever holds one can seal data naming anyone's unionid under their own session_key), while code2session,
 * `user/info` and `sns/oauth2/access_token` answer from WeChat over TLS. So a union identity records whether it was
 * confirmed (`confirmed` 1) or is only a decrypted claim (0), and an app identity whose decrypted unionid is
 * already another user's keeps that claim aside in `pending_unionid` instead of joining that user.
 * Existing links stay confirmed: they were accepted under the earlier rule and nothing says which road made them.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0004UnionidTrust: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('union_identities')
      .addColumn('confirmed', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('app_identities').addColumn('pending_unionid', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('app_identities').dropColumn('pending_unionid').execute();
    await db.schema.alterTable('union_identities').dropColumn('confirmed').execute();
  },
};
