/**
 * The SQL of what weunion records about a person beyond the identity graph (`ProfileStore`): the official-account
 * follow state per app identity and the phone number per user. Neither moves identities, so neither takes part in
 * the identity layer's locking protocol beyond the row it writes.
 */
import type { Kysely } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { Database } from './schema.js';
import { writeTransaction } from './write-transaction.js';
import type { ProfileStore, UserPhone } from './port.js';

/** markMerged keeps alias chains one hop long; the bound only guards against a corrupted cycle. */
const MAX_HOPS = 32;

/** `ProfileStore` over the pool (`db`). */
export class ProfileQueries implements ProfileStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  setFollowState(appid: string, openid: string, subscribed: boolean, at: number): Promise<boolean> {
    if (typeof subscribed !== 'boolean') return Promise.reject(new TypeError('subscribed must be a boolean'));
    if (!Number.isSafeInteger(at)) return Promise.reject(new TypeError('at must be an integer (epoch ms)'));
    return withDbErrors(async () => {
      // One conditional UPDATE: jobs for one person's follow and unfollow may run out of order (retries, several
      // instances); the later event wins whichever commits last. Equal times: the last writer wins.
      const result = await this.#db
        .updateTable('app_identities')
        .set({ subscribed: subscribed ? 1 : 0, subscribed_at: at })
        .where('appid', '=', appid)
        .where('openid', '=', openid)
        .where((eb) => eb.or([eb('subscribed_at', 'is', null), eb('subscribed_at', '<=', at)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  setUserPhone(
    userId: string,
    phone: { phoneNumber: string; purePhoneNumber: string; countryCode: string },
    at: number,
    source?: { appid: string; unionKey: string | null },
  ): Promise<string> {
    if (typeof userId !== 'string' || userId === '') return Promise.reject(new TypeError('userId must be a non-empty string'));
    for (const key of ['phoneNumber', 'purePhoneNumber', 'countryCode'] as const) {
      if (typeof phone?.[key] !== 'string') return Promise.reject(new TypeError(`phone.${key} must be a string`));
    }
    if (!Number.isSafeInteger(at)) return Promise.reject(new TypeError('at must be an integer (epoch ms)'));
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      // Lock the user and follow merged_into: a merge committed before we locked has moved the person to the
      // survivor; one waiting for our lock will copy the phone over (markMerged) if the survivor has none.
      let id = userId;
      for (let hop = 0; ; hop++) {
        if (hop >= MAX_HOPS) throw new Error(`merged_into chain from ${userId} is too long (a cycle?)`);
        let query = trx.selectFrom('users').select(['id', 'merged_into']).where('id', '=', id);
        // NO KEY UPDATE: the lock the UPDATE below takes anyway; it lets foreign-key checks (KEY SHARE) through.
        if (this.#dialect === 'postgres') query = query.forNoKeyUpdate();
        const user = await query.executeTakeFirst();
        if (!user) throw new TypeError(`no user ${id} to set a phone number on`);
        if (user.merged_into === null) break;
        id = user.merged_into;
      }
      await trx
        .updateTable('users')
        .set({ phone_number: phone.phoneNumber, phone_pure: phone.purePhoneNumber, phone_country: phone.countryCode, phone_at: at })
        .where('id', '=', id)
        .execute();
      if (source) {
        // The outbox row commits with the number it reports (src/events/ maps it to the public phone.bound).
        const data = {
          appid: source.appid,
          unionKey: source.unionKey,
          phoneNumber: phone.phoneNumber,
          purePhoneNumber: phone.purePhoneNumber,
          countryCode: phone.countryCode,
        };
        await trx
          .insertInto('events')
          .values({ type: 'phone.bound', user_id: id, data: JSON.stringify(data), created_at: at })
          .execute();
      }
      return id;
    });
  }

  findUserPhone(userId: string): Promise<UserPhone | undefined> {
    return withDbErrors(async () => {
      const row = await this.#db
        .selectFrom('users')
        .select(['phone_number', 'phone_pure', 'phone_country', 'phone_at'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!row || row.phone_number === null) return undefined;
      return {
        phoneNumber: row.phone_number,
        purePhoneNumber: row.phone_pure ?? '',
        countryCode: row.phone_country ?? '',
        updatedAt: Number(row.phone_at ?? 0),
      };
    });
  }
}
