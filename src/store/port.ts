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
}

export interface UnionIdentityRow {
  /** Our id of the Open Platform account (config `unions[].id`). */
  unionId: string;
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
  constructor(readonly constraint: string, options?: { cause?: unknown }) {
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
  constructor(readonly reason: 'serialization' | 'deadlock' | 'busy' | 'stale', options?: { cause?: unknown }) {
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
  findUnionIdentity(unionId: string, unionid: string): Promise<UnionIdentityRow | undefined>;
  findUser(id: string): Promise<UserRow | undefined>;
  /**
   * Locks the user row until the transaction ends and returns its latest committed state (after
   * waiting for a transaction holding a conflicting lock). `share`: for pointing identities at the
   * user (many may hold it); `update`: for merging it (exclusive). Lock several users in id order.
   */
  lockUser(id: string, mode: 'share' | 'update'): Promise<UserRow | undefined>;
  insertUser(row: UserRow): Promise<void>;
  /** Throws UniqueViolationError on a duplicate (appid, openid). */
  insertAppIdentity(row: AppIdentityRow): Promise<void>;
  /** Throws UniqueViolationError on a duplicate (unionId, unionid). */
  insertUnionIdentity(row: UnionIdentityRow): Promise<void>;
  /** Updates the mutable fields of one app identity; a TypeError if there is no such row. */
  updateAppIdentity(
    appid: string,
    openid: string,
    patch: Partial<Pick<AppIdentityRow, 'unionid' | 'sessionKeyEnc' | 'lastSeenAt' | 'userId'>>,
  ): Promise<void>;
  /** Re-points every app and union identity of `fromUserId` to `toUserId`; returns how many moved. */
  moveIdentities(fromUserId: string, toUserId: string): Promise<{ app: number; union: number }>;
  /** Marks `loserId` as merged into `survivorId` and re-points earlier aliases of the loser too. */
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
  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]>;
  /** Ids of the users merged into `userId` (aliases point straight at their survivor). */
  listAliases(userId: string): Promise<string[]>;
  listEvents(options?: { afterId?: number; limit?: number }): Promise<EventRow[]>;
  /** Row counts, for tests and /metrics: users (all), liveUsers, appIdentities, unionIdentities, events. */
  counts(): Promise<{ users: number; liveUsers: number; appIdentities: number; unionIdentities: number; events: number }>;
  close(): Promise<void>;
}
