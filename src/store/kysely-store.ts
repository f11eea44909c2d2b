/**
 * The one `WeunionStore` implementation, over Kysely, for SQLite and PostgreSQL: four sub-stores, each the
 * `*-queries.ts` class of its part of the port, no method forwarded. The dialects differ only in how a transaction
 * begins (`write-transaction.ts`) and how jobs are claimed (`job-queries.ts`).
 */
import type { Kysely } from 'kysely';
import { KyselyAdminStore } from './admin-queries.js';
import { dialectName, type DialectName } from './dialects/dialect-name.js';
import type { SqliteConnection } from './dialects/sqlite-connection.js';
import { DataQueries } from './data-queries.js';
import { HealthQueries } from './health-queries.js';
import { FlowQueries } from './flow-queries.js';
import { IdentityQueries, prepareHotReads, type HotReads } from './identity-queries.js';
import { JobQueries } from './job-queries.js';
import type { IdentityStore, IdentityTx, WeunionStore } from './port.js';
import { ProfileQueries } from './profile-queries.js';
import type { Database } from './schema.js';
import { SessionQueries } from './session-queries.js';
import { WebhookQueries } from './webhook-queries.js';
import { SigningKeyQueries } from './signing-key-queries.js';
import { writeTransaction } from './write-transaction.js';

/** The identity sub-store: the reads run on the pool; `transaction` hands `fn` the same queries on one connection. */
export class KyselyIdentityStore extends IdentityQueries implements IdentityStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #reads: HotReads;

  constructor(db: Kysely<Database>, dialect: DialectName, reads: HotReads = prepareHotReads(db)) {
    super(db, dialect, reads);
    this.#db = db;
    this.#dialect = dialect;
    this.#reads = reads;
  }

  /** See `writeTransaction` for the isolation and locking on each dialect. */
  transaction<T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T> {
    return writeTransaction(this.#db, this.#dialect, (trx) => fn(new IdentityQueries(trx, this.#dialect, this.#reads)));
  }
}

/**
 * A `WeunionStore` over an open Kysely instance (which `close()` destroys). `sqlite`: the raw connection behind a
 * SQLite `db` (open-store.ts), for the synchronous job enqueue batches.
 * @example
 *   const store = createKyselyStore(db);
 *   await store.identity.transaction(async (tx) => tx.findUser('u_…'));
 *   await store.jobs.enqueueJob({ kind: 'oa.lookup', payload: { appid, openid }, runAt: Date.now(), dedupKey });
 */
export function createKyselyStore(db: Kysely<Database>, options: { sqlite?: SqliteConnection } = {}): WeunionStore {
  const dialect = dialectName(db);
  const reads = prepareHotReads(db);
  let closing: Promise<void> | undefined;
  return Object.freeze({
    identity: new KyselyIdentityStore(db, dialect, reads),
    jobs: new JobQueries(db, dialect, options.sqlite),
    flows: new FlowQueries(db, dialect),
    profile: new ProfileQueries(db, dialect),
    admin: new KyselyAdminStore(db, dialect, reads),
    sessions: new SessionQueries(db, dialect),
    data: new DataQueries(db, dialect),
    health: new HealthQueries(db),
    webhooks: new WebhookQueries(db, dialect),
    signingKeys: new SigningKeyQueries(db, dialect),
    close: () => (closing ??= db.destroy()),
  });
}
