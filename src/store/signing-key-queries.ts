/** The SQL of the signing-key port (`SigningKeyStore`, 0013), written once for both dialects. */
import type { Kysely } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { SigningKeyRow, SigningKeyStore } from './port.js';
import type { Database } from './schema.js';
import { writeTransaction } from './write-transaction.js';

export class SigningKeyQueries implements SigningKeyStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  addSigningKey(key: Omit<SigningKeyRow, 'retiredAt'>, options: { activate: boolean; onlyIfEmpty: boolean }): Promise<boolean> {
    if (typeof key.kid !== 'string' || key.kid === '') return Promise.reject(new TypeError('a signing key has a kid'));
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      if (options.onlyIfEmpty && (await trx.selectFrom('signing_keys').select('kid').limit(1).executeTakeFirst())) return false;
      const inserted = await trx
        .insertInto('signing_keys')
        .values({ kid: key.kid, public_jwk: key.publicJwk, private_jwk_sealed: key.privateJwkSealed, created_at: key.createdAt, retired_at: null })
        .onConflict((oc) => oc.column('kid').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      if (options.activate) {
        await trx.updateTable('signing_keys').set({ retired_at: key.createdAt }).where('retired_at', 'is', null).where('kid', '!=', key.kid).execute();
      }
      return true;
    });
  }

  listSigningKeys(options: { retiredAfter?: number } = {}): Promise<SigningKeyRow[]> {
    return withDbErrors(async () => {
      let q = this.#db.selectFrom('signing_keys').selectAll();
      const after = options.retiredAfter;
      if (after !== undefined) q = q.where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', after)]));
      const rows = await q.orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
      return rows.map((r) => ({
        kid: r.kid,
        publicJwk: r.public_jwk,
        privateJwkSealed: r.private_jwk_sealed,
        createdAt: Number(r.created_at),
        retiredAt: r.retired_at === null ? null : Number(r.retired_at),
      }));
    });
  }
}
