/**
 * The narrow storage port the identity layer depends on. One Kysely implementation serves SQLite and
 * PostgreSQL (`kysely-store.ts`); `test/store/contract.ts` is the suite every implementation passes.
 * Rows are plain objects; times are epoch milliseconds; ids are opaque strings.
 */

export interface UserRow {
  id: string;
  createdAt: number;
  /** Set when this user was merged into another: the survivor's id. The row is never deleted. */
  mergedInto: string | null;
  mergedAt: number | null;
}

export interface AppIdentityRow {
  appid: string;
  openid: string;
  userId: string;
  /** Known unionid for this openid (null until a road produced it). */
  unionid: string | null;
  /** The latest session_key, sealed with the at-rest key (AES-256-GCM). Never logged, never returned. */
  sessionKeyEnc: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Official accounts: following (true), not following (false), or never recorded (null). */
  subscribed: boolean | null;
  /** When the follow state was recorded (the event's time); null with `subscribed` null. */
  subscribedAt: number | null;
}

/** An app identity as inserted: the follow state is optional (null = unknown) and set later by setFollowState. */
export type NewAppIdentityRow = Omit<AppIdentityRow, 'subscribed' | 'subscribedAt'> & Partial<Pick<AppIdentityRow, 'subscribed' | 'subscribedAt'>>;

export interface UnionIdentityRow {
  /** Our id of the Open Platform account (config `unions[].id`). */
  unionKey: string;
  unionid: string;
  userId: string;
  createdAt: number;
}

export type EventType = 'user.created' | 'identity.linked' | 'user.merged';

export interface EventRow {
  id: number;
  type: EventType;
  userId: string;
  /** JSON-serialisable, secret-free. */
  data: Record<string, unknown>;
  createdAt: number;
}

/** Thrown by any write that hits a unique constraint; the identity layer retries the transaction. */
export class UniqueViolationError extends Error {
  constructor(
    readonly constraint: string,
    options?: { cause?: unknown },
  ) {
    super(`unique constraint violated: ${constraint}`, options);
    this.name = 'UniqueViolationError';
  }
}

/**
 * Thrown when a transaction lost a race with a concurrent one and may be retried as a whole:
 * PostgreSQL serialization failure (40001) or deadlock (40P01), SQLite SQLITE_BUSY, or `stale` —
 * raised by the identity layer itself when a row it read changed before it could lock it.
 */
export class RetryableTransactionError extends Error {
  constructor(
    readonly reason: 'serialization' | 'deadlock' | 'busy' | 'stale',
    options?: { cause?: unknown },
  ) {
    super(`transaction aborted by a concurrent one (${reason}); retry it`, options);
    this.name = 'RetryableTransactionError';
  }
}

/**
 * The operations available inside one transaction. Reads see committed data (PostgreSQL READ
 * COMMITTED; SQLite runs one writer at a time); `lockUser` is how a transaction keeps what it read
 * about a user true until it commits — see `identity/resolve-login.ts` for the locking protocol.
 */
export interface IdentityTx {
  findAppIdentity(appid: string, openid: string): Promise<AppIdentityRow | undefined>;
  findUnionIdentity(unionKey: string, unionid: string): Promise<UnionIdentityRow | undefined>;
  findUser(id: string): Promise<UserRow | undefined>;
  /**
   * Locks the user row until the transaction ends and returns its latest committed state (after
   * waiting for a transaction holding a conflicting lock). `share`: for pointing identities at the
   * user (many may hold it); `update`: for merging it (exclusive). Lock several users in id order.
   */
  lockUser(id: string, mode: 'share' | 'update'): Promise<UserRow | undefined>;
  insertUser(row: UserRow): Promise<void>;
  /** Throws UniqueViolationError on a duplicate (appid, openid). */
  insertAppIdentity(row: NewAppIdentityRow): Promise<void>;
  /** Throws UniqueViolationError on a duplicate (unionKey, unionid). */
  insertUnionIdentity(row: UnionIdentityRow): Promise<void>;
  /** Updates the mutable fields of one app identity; a TypeError if there is no such row. */
  updateAppIdentity(appid: string, openid: string, patch: Partial<Pick<AppIdentityRow, 'unionid' | 'sessionKeyEnc' | 'lastSeenAt' | 'userId'>>): Promise<void>;
  /** Re-points every app and union identity of `fromUserId` to `toUserId`; returns how many moved. */
  moveIdentities(fromUserId: string, toUserId: string): Promise<{ app: number; union: number }>;
  /**
   * Marks `loserId` as merged into `survivorId` and re-points earlier aliases of the loser too. The survivor keeps
   * its phone number, or takes the loser's when it has none.
   */
  markMerged(loserId: string, survivorId: string, at: number): Promise<void>;
  appendEvent(event: Omit<EventRow, 'id'>): Promise<void>;
}

export interface IdentityStore {
  /**
   * Runs `fn` in one transaction; rolls back if it throws. May throw RetryableTransactionError (and
   * UniqueViolationError from a write): the caller retries the whole `fn`. Not re-entrant.
   */
  transaction<T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T>;
  findUser(id: string): Promise<UserRow | undefined>;
  findAppIdentity(appid: string, openid: string): Promise<AppIdentityRow | undefined>;
  listAppIdentities(userId: string): Promise<AppIdentityRow[]>;
  /**
   * One read for the login fast path: the app identity (appid, openid) and the user owning (unionKey, unionid), or
   * null when no one does.
   */
  findAppIdentityInUnion(
    appid: string,
    openid: string,
    unionKey: string,
    unionid: string,
  ): Promise<{ identity: AppIdentityRow; unionOwner: string | null } | undefined>;
  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]>;
  /** Ids of the users merged into `userId` (aliases point straight at their survivor). */
  listAliases(userId: string): Promise<string[]>;
  listEvents(options?: { afterId?: number; limit?: number }): Promise<EventRow[]>;
  /** Row counts, for tests and /metrics: users (all), liveUsers, appIdentities, unionIdentities, events. */
  counts(): Promise<{ users: number; liveUsers: number; appIdentities: number; unionIdentities: number; events: number }>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Issue 3: durable jobs, one-time flow records, follow state, phone numbers. Implemented in job-queries.ts,
// flow-queries.ts and profile-queries.ts (behind kysely-store.ts), covered by test/store/contract.ts.
// ---------------------------------------------------------------------------------------------------------------

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface JobRow {
  id: string;
  /** e.g. 'oa.lookup' */
  kind: string;
  /** JSON-serialisable, secret-free. */
  payload: Record<string, unknown>;
  status: JobStatus;
  /** How many times it has been claimed. */
  attempts: number;
  runAt: number;
  /** While running: the lease; a job whose lease ran out (its worker died) is claimable again. */
  lockedUntil: number | null;
  lastError: string | null;
  /** Unique when set: a second enqueue with the same key is a no-op (WeChat's push retries). */
  dedupKey: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface JobStore {
  /**
   * Inserts a pending job; with a `dedupKey` already present (whatever that job's status) it inserts nothing and
   * returns the existing id with `inserted: false`. Never throws on a duplicate key. `now` (default runAt) is the
   * createdAt.
   */
  enqueueJob(job: {
    kind: string;
    payload: Record<string, unknown>;
    runAt: number;
    dedupKey?: string | null;
    now?: number;
  }): Promise<{ id: string; inserted: boolean }>;
  /**
   * Atomically claims up to `limit` due jobs (pending with runAt ≤ now, or running with lockedUntil ≤ now), oldest
   * runAt first: status → running, lockedUntil = now + leaseMs, attempts + 1. Two callers — in one process or in
   * several — never get the same job for the same lease. `kinds`: only these kinds (an empty list claims nothing).
   */
  claimJobs(options: { now: number; limit: number; leaseMs: number; kinds?: string[] }): Promise<JobRow[]>;
  /**
   * Marks a running job done. `attempt` (the JobRow.attempts of the claim) fences a stale worker: when the job was
   * re-claimed since (its lease ran out), nothing changes. True when the job was marked.
   */
  completeJob(id: string, now: number, options?: { attempt?: number }): Promise<boolean>;
  /**
   * A running job back to pending at `retryAt`, or `failed` when retryAt is null; records `error` (secret-free, cut
   * to 2,000 characters). Fenced by `attempt` like completeJob. True when the job was changed.
   */
  failJob(id: string, options: { now: number; error: string; retryAt: number | null; attempt?: number }): Promise<boolean>;
  findJob(id: string): Promise<JobRow | undefined>;
  /** Deletes jobs that finished (`done`) before the given time; returns how many. Failed jobs stay for inspection. */
  deleteDoneJobs(finishedBefore: number): Promise<number>;
  /** How many jobs are in each status (every status present, 0 when none). */
  jobCounts(): Promise<Record<JobStatus, number>>;
}

/** `callback_signature`: a plain-mode push signature seen, bound to its body's hash (see routes/oa-callback.ts). */
export type FlowKind = 'oauth_state' | 'login_code' | 'qr_login' | 'callback_signature';

/** A short-lived record of a multi-step flow: an OAuth `state`, a one-time login code, a scan-to-follow ticket. */
export interface FlowRow {
  id: string;
  kind: FlowKind;
  status: string;
  /** JSON-serialisable; a string `lookupKey` in it is indexed (findFlowByLookupKey). */
  data: Record<string, unknown>;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface FlowStore {
  /** Inserts a flow; a duplicate id throws UniqueViolationError('flows_pk'). */
  putFlow(row: Omit<FlowRow, 'consumedAt' | 'createdAt'>, now: number): Promise<void>;
  findFlow(id: string): Promise<FlowRow | undefined>;
  /**
   * Atomically: if the row exists with this kind, is unconsumed and unexpired (expiresAt > now), marks it consumed
   * and returns it. Of concurrent callers (any instance) exactly one gets the row.
   */
  consumeFlow(id: string, kind: FlowKind, now: number): Promise<FlowRow | undefined>;
  /**
   * Atomically updates status and shallow-merges `data` (a new data.lookupKey moves the index too); only while
   * unconsumed and unexpired; returns the updated row or undefined.
   */
  updateFlow(id: string, patch: { status?: string; data?: Record<string, unknown> }, now: number): Promise<FlowRow | undefined>;
  /**
   * The newest unconsumed flow of a kind whose data.lookupKey is `lookupKey` (e.g. the QR scene string); with `now`,
   * only an unexpired one.
   */
  findFlowByLookupKey(kind: FlowKind, lookupKey: string, now?: number): Promise<FlowRow | undefined>;
  /** Deletes flows whose expiresAt ≤ now; returns how many. */
  deleteExpiredFlows(now: number): Promise<number>;
}

/** A phone number WeChat disclosed (getuserphonenumber), as stored on the user. */
export interface UserPhone {
  /** With the country code for non-CN numbers, as WeChat gives it. */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  /** When it was recorded. */
  updatedAt: number;
}

export interface ProfileStore {
  /**
   * Records the follow state of an official-account identity. `at` orders the records (pass the event's time): a
   * state older than the recorded one is ignored, so a retried `subscribe` cannot undo a later `unsubscribe`.
   * True when recorded; false when there is no such identity (a no-op) or a newer state is already recorded.
   */
  setFollowState(appid: string, openid: string, subscribed: boolean, at: number): Promise<boolean>;
  /**
   * Sets the phone number of the live user `userId` resolves to (a merged id writes to its survivor); returns that
   * live user's id. A TypeError for an unknown user.
   */
  setUserPhone(userId: string, phone: { phoneNumber: string; purePhoneNumber: string; countryCode: string }, at: number): Promise<string>;
  /** The phone number stored on this user row (not resolved through merges), or undefined. */
  findUserPhone(userId: string): Promise<UserPhone | undefined>;
}

/** Everything a weunion deployment keeps in its database. */
export interface WeunionStore extends IdentityStore, JobStore, FlowStore, ProfileStore {}
