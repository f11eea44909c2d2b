/**
 * The one `WeunionStore` implementation, over Kysely, for SQLite and PostgreSQL. The dialects differ only in how a
 * transaction begins (`write-transaction.ts`) and how jobs are claimed (`job-queries.ts`); the SQL lives in the
 * `*-queries.ts` files, one per part of the port.
 */
import type { Kysely } from 'kysely';
import { dialectName, type DialectName } from './dialects/dialect-name.js';
import type { SqliteConnection } from './dialects/sqlite-connection.js';
import { FlowQueries } from './flow-queries.js';
import { IdentityQueries, prepareHotReads, type HotReads } from './identity-queries.js';
import { JobQueries } from './job-queries.js';
import { ProfileQueries } from './profile-queries.js';
import type { Database } from './schema.js';
import { writeTransaction } from './write-transaction.js';
import type { AppIdentityRow, EventRow, FlowKind, FlowRow, IdentityTx, JobRow, JobStatus, UnionIdentityRow, UserPhone, UserRow, WeunionStore } from './port.js';

/**
 * A `WeunionStore` over an open Kysely instance (which `close()` destroys).
 * @example
 *   const store = new KyselyStore(db);
 *   await store.transaction(async (tx) => tx.findUser('u_…'));
 *   await store.enqueueJob({ kind: 'oa.lookup', payload: { appid, openid }, runAt: Date.now(), dedupKey });
 */
export class KyselyStore implements WeunionStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #queries: IdentityQueries;
  readonly #reads: HotReads;
  readonly #jobs: JobQueries;
  readonly #flows: FlowQueries;
  readonly #profiles: ProfileQueries;
  #closing: Promise<void> | undefined;

  /** `sqlite`: the raw connection behind a SQLite `db` (open-store.ts), for the synchronous job enqueue batches. */
  constructor(db: Kysely<Database>, options: { sqlite?: SqliteConnection } = {}) {
    this.#db = db;
    this.#dialect = dialectName(db);
    this.#reads = prepareHotReads(db);
    this.#queries = new IdentityQueries(db, this.#dialect, this.#reads);
    this.#jobs = new JobQueries(db, this.#dialect, options.sqlite);
    this.#flows = new FlowQueries(db, this.#dialect);
    this.#profiles = new ProfileQueries(db, this.#dialect);
  }

  /** See `writeTransaction` for the isolation and locking on each dialect. */
  transaction<T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T> {
    return writeTransaction(this.#db, this.#dialect, (trx) => fn(new IdentityQueries(trx, this.#dialect, this.#reads)));
  }

  // --- IdentityStore reads ---
  findUser(id: string): Promise<UserRow | undefined> {
    return this.#queries.findUser(id);
  }
  findAppIdentity(appid: string, openid: string): Promise<AppIdentityRow | undefined> {
    return this.#queries.findAppIdentity(appid, openid);
  }
  listAppIdentities(userId: string): Promise<AppIdentityRow[]> {
    return this.#queries.listAppIdentities(userId);
  }
  findAppIdentityInUnion(
    appid: string,
    openid: string,
    unionKey: string,
    unionid: string,
  ): Promise<{ identity: AppIdentityRow; unionOwner: string | null } | undefined> {
    return this.#queries.findAppIdentityInUnion(appid, openid, unionKey, unionid);
  }
  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]> {
    return this.#queries.listUnionIdentities(userId);
  }
  listAliases(userId: string): Promise<string[]> {
    return this.#queries.listAliases(userId);
  }
  listEvents(options?: { afterId?: number; limit?: number }): Promise<EventRow[]> {
    return this.#queries.listEvents(options);
  }
  counts(): Promise<{ users: number; liveUsers: number; appIdentities: number; unionIdentities: number; events: number }> {
    return this.#queries.counts();
  }

  // --- JobStore ---
  enqueueJob(job: Parameters<WeunionStore['enqueueJob']>[0]): Promise<{ id: string; inserted: boolean }> {
    return this.#jobs.enqueueJob(job);
  }
  claimJobs(options: { now: number; limit: number; leaseMs: number; kinds?: string[] }): Promise<JobRow[]> {
    return this.#jobs.claimJobs(options);
  }
  completeJob(id: string, now: number, options?: { attempt?: number }): Promise<boolean> {
    return this.#jobs.completeJob(id, now, options);
  }
  failJob(id: string, options: { now: number; error: string; retryAt: number | null; attempt?: number }): Promise<boolean> {
    return this.#jobs.failJob(id, options);
  }
  findJob(id: string): Promise<JobRow | undefined> {
    return this.#jobs.findJob(id);
  }
  deleteDoneJobs(finishedBefore: number): Promise<number> {
    return this.#jobs.deleteDoneJobs(finishedBefore);
  }
  jobCounts(): Promise<Record<JobStatus, number>> {
    return this.#jobs.jobCounts();
  }

  // --- FlowStore ---
  putFlow(row: Omit<FlowRow, 'consumedAt' | 'createdAt'>, now: number): Promise<void> {
    return this.#flows.putFlow(row, now);
  }
  findFlow(id: string): Promise<FlowRow | undefined> {
    return this.#flows.findFlow(id);
  }
  consumeFlow(id: string, kind: FlowKind, now: number): Promise<FlowRow | undefined> {
    return this.#flows.consumeFlow(id, kind, now);
  }
  updateFlow(id: string, patch: { status?: string; data?: Record<string, unknown> }, now: number): Promise<FlowRow | undefined> {
    return this.#flows.updateFlow(id, patch, now);
  }
  findFlowByLookupKey(kind: FlowKind, lookupKey: string, now?: number): Promise<FlowRow | undefined> {
    return this.#flows.findFlowByLookupKey(kind, lookupKey, now);
  }
  deleteExpiredFlows(now: number): Promise<number> {
    return this.#flows.deleteExpiredFlows(now);
  }

  // --- ProfileStore ---
  setFollowState(appid: string, openid: string, subscribed: boolean, at: number): Promise<boolean> {
    return this.#profiles.setFollowState(appid, openid, subscribed, at);
  }
  setUserPhone(userId: string, phone: { phoneNumber: string; purePhoneNumber: string; countryCode: string }, at: number): Promise<string> {
    return this.#profiles.setUserPhone(userId, phone, at);
  }
  findUserPhone(userId: string): Promise<UserPhone | undefined> {
    return this.#profiles.findUserPhone(userId);
  }

  /** Destroys the Kysely instance (closing the pool / file). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#db.destroy();
    return this.#closing;
  }
}
