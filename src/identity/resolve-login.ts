/**
 * Resolving a login to our user id: docs/design.md "Resolving a login", cases 1–6, in one transaction.
 * The whole transaction is retried when it loses a race with a concurrent one (same person logging in
 * on two apps or two instances at once), so callers never see a unique violation.
 */
import type { Clock } from '../clock.js';
import { RetryableTransactionError, type AppIdentityRow, type IdentityStore, type IdentityTx } from '../store/port.js';
import { transactionWithRetries, type RetryOptions } from './retry-transaction.js';
import { createUserId } from './user-id.js';

export interface ResolveLoginDeps {
  store: IdentityStore;
  clock: Clock;
  /** New user ids; default `createUserId`. */
  newId?: () => string;
  /** Retry tuning (attempts, backoff); tests may inject `sleep`/`random`. */
  retry?: RetryOptions;
}

export interface ResolveLoginInput {
  /** Our union (Open Platform account) the app is bound to; null for an unbound app. */
  unionKey: string | null;
  appid: string;
  openid: string;
  /** The unionid, if some road produced it. Must be absent/null when `unionKey` is null. */
  unionid?: string | null;
  /** The freshly sealed session_key (mini programs); stored when given, never logged. */
  sessionKeyEnc?: string | null;
}

export interface ResolveLoginResult {
  /** The live user this login belongs to. */
  userId: string;
  /** A user was created by this call (case 2). */
  isNewUser: boolean;
  /**
   * This call joined identities that were not joined before: the app identity learnt its unionid
   * (cases 3, 5, 6) or a new app identity joined the unionid's user (case 4). An `identity.linked`
   * event was appended exactly when this is true.
   */
  linked: boolean;
  /** Users merged into `userId` by this call (case 6): they now resolve to it. */
  mergedUserIds: string[];
}

/**
 * Finds or creates the user for `(appid, openid)` and links the unionid when one is given.
 * @example
 *   const { userId, isNewUser } = await resolveLogin(
 *     { store, clock: systemClock },
 *     { unionKey: 'acme', appid: 'wx123', openid: 'o-abc', unionid: 'u-xyz', sessionKeyEnc: sealed },
 *   );
 */
export function resolveLogin(deps: ResolveLoginDeps, input: ResolveLoginInput, options: ResolveOptions = {}): Promise<ResolveLoginResult> {
  return resolveIdentity(deps, input, { touch: options.markSeen ?? true });
}

export interface ResolveOptions {
  /**
   * Whether the person was seen now (a login, a push they sent): moves `lastSeenAt`. False for a link learnt
   * without them (a follower walk, an operator's action). Default true.
   */
  markSeen?: boolean;
}

async function resolveIdentity(deps: ResolveLoginDeps, input: ResolveLoginInput, options: { touch: boolean }): Promise<ResolveLoginResult> {
  checkInput(deps, input);
  const now = deps.clock.now();
  const unchanged = await unchangedLogin(deps.store, input, now, options.touch);
  if (unchanged) return unchanged;
  const newId = deps.newId ?? createUserId;
  return transactionWithRetries(deps.store, (tx) => resolveInTx(tx, { newId, now, touch: options.touch }, input), deps.retry);
}

/** `last_seen_at` moves at most once a minute: a login that changes nothing else then writes nothing. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * The common case, a returning person whose login changes nothing (same session_key — sealing is deterministic —,
 * unionid already linked or not offered, seen within the last minute), needs no write transaction: one read
 * answers it. Sound because an app identity always points at a live user (merges move identities in the same
 * transaction that marks the loser) and a linked app identity's unionid is owned by that same user.
 */
async function unchangedLogin(store: IdentityStore, input: ResolveLoginInput, now: number, touch: boolean): Promise<ResolveLoginResult | undefined> {
  const unionid = input.unionid ?? null;
  let a: AppIdentityRow | undefined;
  if (unionid !== null && input.unionKey !== null) {
    // One read: the identity and the owner of (this union, unionid). The unionid must be linked in THIS union to
    // this user: an app re-bound to another Open Platform account (or a renamed union) goes through the
    // transaction once, which links (newUnion, unionid).
    const found = await store.findAppIdentityInUnion(input.appid, input.openid, input.unionKey, unionid);
    if (!found || found.unionOwner !== found.identity.userId) return undefined;
    a = found.identity;
  } else {
    a = await store.findAppIdentity(input.appid, input.openid);
  }
  if (!a) return undefined;
  if (unionid !== null && a.unionid !== unionid) return undefined;
  const sessionKeyEnc = input.sessionKeyEnc ?? null;
  if (sessionKeyEnc !== null && sessionKeyEnc !== a.sessionKeyEnc) return undefined;
  if (touch && now - a.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) return undefined;
  return { userId: a.userId, isNewUser: false, linked: false, mergedUserIds: [] };
}

interface TxContext {
  newId: () => string;
  now: number;
  touch: boolean;
}

/*
 * Locking protocol (what keeps the invariants under concurrency on PostgreSQL READ COMMITTED; on
 * SQLite transactions already run one at a time, so the locks are plain reads there):
 * - a transaction that points an identity at an existing user, or updates one of its identities,
 *   first share-locks that user and checks it is still live;
 * - a merge update-locks both users (in id order, so two merges cannot deadlock) and checks both
 *   are live; it therefore waits for every transaction pointing identities at the loser, and they
 *   wait for it — so its moves see every identity of the loser, and none is added afterwards;
 * - a user found merged once locked means what we read before locking is stale: the whole
 *   transaction is retried (RetryableTransactionError 'stale') and reads the survivor.
 * A live user's identities only change owner by a merge of that user, so once its lock is held, the
 * identities read as pointing at it still do. Two transactions inserting the same identity collide
 * on its primary key (UniqueViolationError): the loser is retried and finds the winner's row.
 */
async function resolveInTx(tx: IdentityTx, ctx: TxContext, input: ResolveLoginInput): Promise<ResolveLoginResult> {
  const { appid, openid, unionKey } = input;
  const unionid = input.unionid ?? null;
  const sessionKeyEnc = input.sessionKeyEnc ?? null;
  const { now } = ctx;
  const linkData = { appid, openid, unionKey, unionid };

  // 1. Look both up.
  const a = await tx.findAppIdentity(appid, openid);
  const u = unionKey !== null && unionid !== null ? await tx.findUnionIdentity(unionKey, unionid) : undefined;

  if (!a) {
    if (!u) {
      // 2. Neither: a new person (as far as we know). The new user is invisible to others until commit.
      const userId = ctx.newId();
      await tx.insertUser({ id: userId, createdAt: now, mergedInto: null, mergedAt: null });
      if (unionKey !== null && unionid !== null) await tx.insertUnionIdentity({ unionKey, unionid, userId, createdAt: now });
      await tx.insertAppIdentity({ appid, openid, userId, unionid, sessionKeyEnc, firstSeenAt: now, lastSeenAt: now });
      await tx.appendEvent({ type: 'user.created', userId, data: linkData, createdAt: now });
      return { userId, isNewUser: true, linked: false, mergedUserIds: [] };
    }
    // 4. Only the union identity: this openid joins the unionid's user.
    const userId = await lockLiveUser(tx, u.userId, 'share');
    await tx.insertAppIdentity({ appid, openid, userId, unionid, sessionKeyEnc, firstSeenAt: now, lastSeenAt: now });
    await tx.appendEvent({ type: 'identity.linked', userId, data: linkData, createdAt: now });
    return { userId, isNewUser: false, linked: true, mergedUserIds: [] };
  }

  // 3, 5, 6: the app identity exists.
  let userId = a.userId;
  const mergedUserIds: string[] = [];
  let unionInserted = false;
  if (u && u.userId !== a.userId) {
    // 6. The person was split before the unionid was known: the unionid's owner survives.
    const [loser, survivor] = [a.userId, u.userId];
    for (const id of [loser, survivor].sort()) await lockLiveUser(tx, id, 'update');
    const moved = await tx.moveIdentities(loser, survivor);
    await tx.markMerged(loser, survivor, now);
    // The person's phone number survives the merge: the survivor keeps its own, or takes the loser's.
    const phoneCarried = await tx.carryPhone(loser, survivor);
    await tx.appendEvent({
      type: 'user.merged',
      userId: survivor,
      data: { mergedUserId: loser, movedAppIdentities: moved.app, movedUnionIdentities: moved.union, phoneCarried, ...linkData },
      createdAt: now,
    });
    mergedUserIds.push(loser);
    userId = survivor;
  } else {
    await lockLiveUser(tx, userId, 'share');
    if (unionKey !== null && unionid !== null && !u) {
      // 3. A unionid learnt now: link it to the app identity's user.
      await tx.insertUnionIdentity({ unionKey, unionid, userId, createdAt: now });
      unionInserted = true;
    }
    // 5. Both, same user: nothing to link.
  }

  const linked = unionid !== null && (unionInserted || a.unionid !== unionid);
  const patch: Parameters<IdentityTx['updateAppIdentity']>[2] = {};
  if (linked) patch.unionid = unionid;
  // Never move last_seen_at backwards (instances' clocks may differ slightly).
  if (ctx.touch && now - a.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) patch.lastSeenAt = now;
  if (sessionKeyEnc !== null && sessionKeyEnc !== a.sessionKeyEnc) patch.sessionKeyEnc = sessionKeyEnc;
  if (Object.keys(patch).length > 0) await tx.updateAppIdentity(appid, openid, patch);
  if (linked) await tx.appendEvent({ type: 'identity.linked', userId, data: linkData, createdAt: now });
  return { userId, isNewUser: false, linked, mergedUserIds };
}

/** Locks `id` (see the protocol above); merged since we read it → retry the transaction. */
async function lockLiveUser(tx: IdentityTx, id: string, mode: 'share' | 'update'): Promise<string> {
  const user = await tx.lockUser(id, mode);
  // Users are never deleted and identities reference them by foreign key: this is corruption.
  if (!user) throw new Error(`identity points at a missing user ${id}`);
  if (user.mergedInto !== null) throw new RetryableTransactionError('stale');
  return id;
}

function checkInput(deps: ResolveLoginDeps, input: ResolveLoginInput): void {
  if (!deps || typeof deps.store !== 'object' || typeof deps.clock?.now !== 'function') {
    throw new TypeError('resolveLogin needs deps.store and deps.clock');
  }
  if (deps.newId !== undefined && typeof deps.newId !== 'function') throw new TypeError('deps.newId must be a function');
  if (!input || typeof input !== 'object') throw new TypeError('resolveLogin needs an input object');
  for (const key of ['appid', 'openid'] as const) {
    if (typeof input[key] !== 'string' || input[key] === '') throw new TypeError(`${key} must be a non-empty string`);
  }
  if (input.unionKey !== null && (typeof input.unionKey !== 'string' || input.unionKey === '')) {
    throw new TypeError('unionKey must be a non-empty string or null');
  }
  const { unionid, sessionKeyEnc } = input;
  if (unionid !== undefined && unionid !== null && (typeof unionid !== 'string' || unionid === '')) {
    throw new TypeError('unionid must be a non-empty string, null or absent');
  }
  if (input.unionKey === null && typeof unionid === 'string') {
    throw new TypeError('a unionid was given for an app bound to no union (unionKey null)');
  }
  if (sessionKeyEnc !== undefined && sessionKeyEnc !== null && typeof sessionKeyEnc !== 'string') {
    throw new TypeError('sessionKeyEnc must be a string, null or absent');
  }
}
