/**
 * The operators' data part of the storage port (`weunion import`, `backfill followers`, `apps bind`, `doctor`):
 * resumable cursors, and the reads that walk or count one app's identities and list one user's events. It changes
 * no identity: links and merges go through the identity service like every login.
 */
import type { AppIdentityRow, EventRow } from './identity-store.js';

/** How one app's identities stand: all, with a unionid, with a held (pending) decrypted unionid. */
export interface AppIdentityCounts {
  total: number;
  withUnionid: number;
  pendingUnionid: number;
}

/** Users by state; `live` only when counted over a set of apps (a union's), the others are null then. */
export interface UserCounts {
  live: number;
  merged: number | null;
  erased: number | null;
}

export interface DataStore {
  /** The JSON a run stored under `name`, or undefined when none is stored. */
  getCursor(name: string): Promise<unknown>;
  /** Stores (insert or replace) the JSON-serialisable `value` under `name`. */
  putCursor(name: string, value: unknown, now: number): Promise<void>;
  /** Removes the cursor (a run that finished); no-op when absent. */
  deleteCursor(name: string): Promise<void>;
  /** Up to `limit` identities of `appid` with no unionid, ordered by openid, after `afterOpenid` (exclusive). */
  listAppIdentitiesWithoutUnionid(appid: string, options: { afterOpenid?: string; limit: number }): Promise<AppIdentityRow[]>;
  countAppIdentities(appid: string): Promise<AppIdentityCounts>;
  /** Users by state; with `appids`, only the live users holding an identity in one of them. */
  countUsers(appids?: readonly string[]): Promise<UserCounts>;
  /** The `user.merged` events since `since` (epoch ms), oldest first, at most `limit`: when, and in which union. */
  listMergesSince(since: number, limit: number): Promise<Array<{ at: number; unionKey: string | null }>>;
  /** The events of `userId` (the row's own id, not resolved through merges), oldest first, at most `limit`. */
  listUserEvents(userId: string, limit: number): Promise<EventRow[]>;
  /**
   * The pull feed (`GET /v1/admin/events`): up to `limit` committed events after `after` in commit order (tx, id),
   * oldest first; only `types` when given (non-empty), only the events whose `data.unionKey` is `unionKey` when given.
   * No event this omits can later appear before the last one it returns (migration 0014 says how).
   */
  listEventsAfter(after: FeedPosition, limit: number, filter?: { types?: readonly string[]; unionKey?: string }): Promise<FeedEventRow[]>;
}

/** A place in the feed: the writing transaction (0 on SQLite) and the event id. */
export interface FeedPosition {
  tx: number;
  id: number;
}

export interface FeedEventRow extends EventRow {
  tx: number;
}
