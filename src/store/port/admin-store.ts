/**
 * The operators' part of the storage port (issue 14): finding a person by any id, their timeline, and the
 * transaction in which the admin actions (link, unlink, merge, erase) change the identity graph. It extends the
 * identity transaction, so an admin action takes the same user locks as a login (identity/resolve-in-tx.ts).
 */
import type { AppIdentityRow, EventRow, IdentityTx, UnionIdentityRow, UserRow } from './identity-store.js';

/** A user row with its erasure: a tombstone (`erasedAt` set) keeps resolving but holds no identity nor phone. */
export interface AdminUserRow extends UserRow {
  erasedAt: number | null;
}

/** An identity removed by an erasure, known only by the SHA-256 digest of its WeChat id (see flows/admin/erased-key.ts). */
export interface ErasedIdentityRow {
  keyHash: string;
  kind: 'app' | 'union';
  /** The app (kind `app`) or our union key (kind `union`): our own names, not the person's. */
  appid: string | null;
  unionKey: string | null;
  userId: string;
  erasedAt: number;
}

/** The reads of the admin API, on the pool or inside a transaction. */
export interface AdminReads {
  findAdminUser(id: string): Promise<AdminUserRow | undefined>;
  /** App identities with this openid (in `appid` only, when given). */
  findAppIdentitiesByOpenid(openid: string, appid?: string): Promise<AppIdentityRow[]>;
  /** Union identities with this unionid (in `unionKey` only, when given). */
  findUnionIdentitiesByUnionid(unionid: string, unionKey?: string): Promise<UnionIdentityRow[]>;
  /** Ids of the users whose stored phone number (with or without country code) is `phone`. */
  findUserIdsByPhone(phone: string): Promise<string[]>;
  findErasedIdentities(keyHashes: string[]): Promise<ErasedIdentityRow[]>;
  listAppIdentities(userId: string): Promise<AppIdentityRow[]>;
  listUnionIdentities(userId: string): Promise<UnionIdentityRow[]>;
  listAliases(userId: string): Promise<string[]>;
  /** The events of these users, oldest first (at most `limit`, default 1,000). */
  listEventsOfUsers(userIds: string[], options?: { limit?: number }): Promise<EventRow[]>;
}

/** What an admin transaction may do, beyond a login's (`IdentityTx`). */
export interface AdminTx extends IdentityTx, AdminReads {
  /** Like `lockUser`, with the erasure. */
  lockAdminUser(id: string, mode: 'share' | 'update'): Promise<AdminUserRow | undefined>;
  /** Deletes one app identity (its row only); false when there was none. */
  deleteAppIdentity(appid: string, openid: string): Promise<boolean>;
  deleteUnionIdentity(unionKey: string, unionid: string): Promise<boolean>;
  insertErasedIdentity(row: ErasedIdentityRow): Promise<void>;
  /**
   * The erasure of the users `userIds` (the live one and its aliases): phone numbers cleared on every row,
   * `erased_at` set on `tombstoneId`. The identities are removed by the caller first. Returns how many rows had a phone.
   */
  eraseUsers(userIds: string[], tombstoneId: string, at: number): Promise<{ phones: number }>;
  /** Rewrites the data of these users' events: every key named in `keys` is dropped and `redacted: true` added. */
  redactEvents(userIds: string[], keys: readonly string[]): Promise<number>;
}

export interface AdminStore extends AdminReads {
  /** One write transaction (see IdentityStore.transaction): retried by the caller on a lost race. */
  transaction<T>(fn: (tx: AdminTx) => Promise<T>): Promise<T>;
}
