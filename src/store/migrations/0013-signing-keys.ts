/**
 * 0013-signing-keys — the ES256 keys session tokens are signed with, shared by every instance.
 *
 * Why: a signing key that lives in each instance's config or keys.json cannot be rotated without logging everyone
 * out, and two instances cannot agree on which key is current. In the database, `weunion keys rotate` adds a key and
 * makes it the active one for all instances at once; the previous keys stay (retired) so tokens they signed keep
 * verifying until they expire, and the JWKS keeps serving them that long. The private JWK is sealed with the at-rest
 * key (secrets/at-rest-cipher.ts, as session_keys are), bound to its kid; the public JWK is kept in clear for the JWKS.
 * `retired_at` null = not retired; of those, the newest is the active key (sessions/stored-keyring.ts).
 */
import type { Kysely, Migration } from 'kysely';

export const migration0013SigningKeys: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .addPrimaryKeyConstraint('signing_keys_pk', ['kid'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('signing_keys').execute();
  },
};
