/**
 * The SQL of session families and refresh tokens (`SessionStore`). Rotation is one conditional UPDATE of the used
 * row (`used_at is null`) plus the insert of the next, in one transaction: of two instances refreshing with the
 * same token at once exactly one rotates; the other sees a used token (and the flow treats it as reuse).
 */
import type { Kysely } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { RefreshTokenRow, SessionFamily, SessionStore } from './port.js';
import type { Database } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** `SessionStore` over the pool (`db`). */
export class SessionQueries implements SessionStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  startFamily(family: Omit<SessionFamily, 'revokedAt'>, token: { tokenHash: string; expiresAt: number }): Promise<void> {
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      await trx
        .insertInto('session_families')
        .values({ id: family.id, appid: family.appid, user_id: family.userId, openid: family.openid, created_at: family.createdAt, revoked_at: null })
        .execute();
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: token.tokenHash, family_id: family.id, created_at: family.createdAt, expires_at: token.expiresAt, used_at: null })
        .execute();
    });
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return withDbErrors(async () => {
      const r = await this.#db
        .selectFrom('refresh_tokens as t')
        .innerJoin('session_families as f', 'f.id', 't.family_id')
        .select(['t.token_hash', 't.family_id', 't.expires_at', 't.used_at', 'f.appid', 'f.user_id', 'f.openid', 'f.created_at', 'f.revoked_at'])
        .where('t.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        tokenHash: r.token_hash,
        familyId: r.family_id,
        expiresAt: Number(r.expires_at),
        usedAt: r.used_at === null ? null : Number(r.used_at),
        family: {
          id: r.family_id,
          appid: r.appid,
          userId: r.user_id,
          openid: r.openid,
          createdAt: Number(r.created_at),
          revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
        },
      };
    });
  }

  rotateRefreshToken(usedHash: string, next: { tokenHash: string; expiresAt: number }, userId: string, now: number): Promise<boolean> {
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      const used = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', usedHash)
        .where('used_at', 'is', null)
        .returning('family_id')
        .executeTakeFirst();
      if (!used) return false;
      const family = await trx
        .updateTable('session_families')
        .set({ user_id: userId })
        .where('id', '=', used.family_id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (family.numUpdatedRows === 0n) throw new RevokedMeanwhile();
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: next.tokenHash, family_id: used.family_id, created_at: now, expires_at: next.expiresAt, used_at: null })
        .execute();
      return true;
    }).catch((e: unknown) => {
      if (e instanceof RevokedMeanwhile) return false;
      throw e;
    });
  }

  revokeFamily(familyId: string, now: number): Promise<void> {
    return withDbErrors(async () => {
      await this.#db.updateTable('session_families').set({ revoked_at: now }).where('id', '=', familyId).where('revoked_at', 'is', null).execute();
    });
  }

  revokeUserFamilies(userIds: readonly string[], now: number): Promise<number> {
    if (userIds.length === 0) return Promise.resolve(0);
    return withDbErrors(async () => {
      const result = await this.#db
        .updateTable('session_families')
        .set({ revoked_at: now })
        .where('user_id', 'in', [...userIds])
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  familyRevokedAt(familyId: string): Promise<number | null | undefined> {
    return withDbErrors(async () => {
      const r = await this.#db.selectFrom('session_families').select('revoked_at').where('id', '=', familyId).executeTakeFirst();
      if (!r) return undefined;
      return r.revoked_at === null ? null : Number(r.revoked_at);
    });
  }
}

/** Rolls the rotation back when the family was revoked between the read and the write. */
class RevokedMeanwhile extends Error {}
