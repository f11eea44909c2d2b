/**
 * The identity part of the storage port: users, app and union identities, the events outbox, and the
 * transaction in which `identity/resolve-login.ts` changes them. Rows are plain objects; times are epoch ms.
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
  /**
   * A unionid decrypted for this identity that another user owns: held back, not linked, until WeChat's own word
   * for this identity confirms it (docs/design.md "Whose word a unionid is"). Null when none.
   */
  pendingUnionid: string | null;
}

/** An app identity as inserted: the follow state is optional (null = unknown) and set later by setFollowState. */
export type NewAppIdentityRow = Omit<AppIdentityRow, 'subscribed' | 'subscribedAt' | 'pendingUnionid'> &
  Partial<Pick<AppIdentityRow, 'subscribed' | 'subscribedAt' | 'pendingUnionid'>>;

export interface UnionIdentityRow {
  /** Our id of the Open Platform account (config `unions[].id`). */
  unionKey: string;
  unionid: string;
  userId: string;
  createdAt: number;
  /** WeChat's own word (or a trusted app's) stands behind it; false for a decrypted claim nobody confirmed yet. */
  confirmed: boolean;
}

/** A union identity as inserted: confirmed unless said otherwise. */
export type NewUnionIdentityRow = Omit<UnionIdentityRow, 'confirmed'> & Partial<Pick<UnionIdentityRow, 'confirmed'>>;

/** The types the outbox holds; open (`string & {}`): the admin actions add their own. src/events/ maps them to the public shapes. */
export type EventType = 'user.created' | 'identity.linked' | 'identity.unlinked' | 'user.merged' | 'phone.bound' | 'user.erased' | (string & {});

export interface EventRow {
  id: number;
  type: EventType;
  userId: string;
  /** JSON-serialisable, secret-free. */
  data: Record<string, unknown>;
  createdAt: number;
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
  insertUnionIdentity(row: NewUnionIdentityRow): Promise<void>;
  /** Marks a claimed union identity confirmed (WeChat's word now stands behind it). */
  confirmUnionIdentity(unionKey: string, unionid: string): Promise<void>;
  /**
   * Voids an unconfirmed claim of `claimantId` on (unionKey, unionid): the union identity row goes, and the
   * claimant's app identities that carried that unionid keep it aside as `pendingUnionid`. Returns how many app
   * identities were affected; 0 and nothing done when the row is confirmed or another user's.
   */
  releaseUnionClaim(unionKey: string, unionid: string, claimantId: string): Promise<{ released: boolean; appIdentities: number }>;
  /** Updates the mutable fields of one app identity; a TypeError if there is no such row. */
  updateAppIdentity(
    appid: string,
    openid: string,
    patch: Partial<Pick<AppIdentityRow, 'unionid' | 'sessionKeyEnc' | 'lastSeenAt' | 'userId' | 'pendingUnionid'>>,
  ): Promise<void>;
  /** Re-points every app and union identity of `fromUserId` to `toUserId`; returns how many moved. */
  moveIdentities(fromUserId: string, toUserId: string): Promise<{ app: number; union: number }>;
  /** Marks `loserId` as merged into `survivorId` and re-points earlier aliases of the loser too. */
  markMerged(loserId: string, survivorId: string, at: number): Promise<void>;
  /**
   * The merge's part of the person's phone number: the survivor keeps its own, or takes the loser's when it has
   * none. True when the loser's number was carried over.
   */
  carryPhone(loserId: string, survivorId: string): Promise<boolean>;
  appendEvent(event: Omit<EventRow, 'id'>): Promise<void>;
  /** The app identities among `keys` that exist (any order; absent keys are simply missing). One read for a batch. */
  findAppIdentities(keys: readonly { appid: string; openid: string }[]): Promise<AppIdentityRow[]>;
  /** The union identities among `keys` that exist (any order). One read for a batch. */
  findUnionIdentities(keys: readonly { unionKey: string; unionid: string }[]): Promise<UnionIdentityRow[]>;
  /**
   * Inserts many rows in few statements: the users (those merged into another after the others, so the reference
   * exists), then union and app identities, then the events in the order given. Throws UniqueViolationError on a
   * duplicate key, as the single inserts do.
   */
  insertMany(rows: NewRows): Promise<void>;
}

/** What `insertMany` writes. */
export interface NewRows {
  users: readonly UserRow[];
  unionIdentities: readonly NewUnionIdentityRow[];
  appIdentities: readonly NewAppIdentityRow[];
  events: readonly Omit<EventRow, 'id'>[];
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
  ): Promise<{ identity: AppIdentityRow; unionOwner: string | null; unionConfirmed: boolean | null } | undefined>;
  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]>;
  /** Ids of the users merged into `userId` (aliases point straight at their survivor). */
  listAliases(userId: string): Promise<string[]>;
  listEvents(options?: { afterId?: number; limit?: number }): Promise<EventRow[]>;
  /** Row counts, for tests and /metrics: users (all), liveUsers, appIdentities, unionIdentities, events. */
  counts(): Promise<IdentityCounts>;
}

export interface IdentityCounts {
  users: number;
  liveUsers: number;
  appIdentities: number;
  unionIdentities: number;
  events: number;
}
