/**
 * Resolving a login to our user id: docs/design.md "Resolving a login", cases 1–6, in one transaction
 * (resolve-in-tx.ts), and whose word the unionid is ("Whose word a unionid is"). The whole transaction is retried
 * when it loses a race with a concurrent one (same person logging in on two apps or two instances at once), so
 * callers never see a unique violation. Most returning logins change nothing and are answered by one read.
 */
import type { Clock } from '../clock.js';
import type { AppIdentityRow, IdentityStore } from '../store/port.js';
import { LAST_SEEN_RESOLUTION_MS, resolveInTx } from './resolve-in-tx.js';
import type { ResolveLoginInput, ResolveLoginResult, ResolveOptions } from './resolve-types.js';

export type { ResolveLoginInput, ResolveLoginResult, ResolveOptions } from './resolve-types.js';
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

async function resolveIdentity(deps: ResolveLoginDeps, input: ResolveLoginInput, options: { touch: boolean }): Promise<ResolveLoginResult> {
  checkInput(deps, input);
  const now = deps.clock.now();
  const unchanged = await unchangedLogin(deps.store, input, now, options.touch);
  if (unchanged) return unchanged;
  const newId = deps.newId ?? createUserId;
  return transactionWithRetries(deps.store, (tx) => resolveInTx(tx, { newId, now, touch: options.touch }, input), deps.retry);
}

export { LAST_SEEN_RESOLUTION_MS } from './resolve-in-tx.js';

/**
 * The common case, a returning person whose login changes nothing (same session_key — sealing is deterministic —,
 * unionid already linked or not offered, seen within the last minute), needs no write transaction: one read
 * answers it. Sound because an app identity always points at a live user (merges move identities in the same
 * transaction that marks the loser) and a linked app identity's unionid is owned by that same user.
 */
async function unchangedLogin(store: IdentityStore, input: ResolveLoginInput, now: number, touch: boolean): Promise<ResolveLoginResult | undefined> {
  const unionid = input.unionid ?? null;
  let a: AppIdentityRow | undefined;
  let unionidConfirmed = false;
  if (unionid !== null && input.unionKey !== null) {
    // One read: the identity and the owner of (this union, unionid). The unionid must be linked in THIS union to
    // this user: an app re-bound to another Open Platform account (or a renamed union) goes through the
    // transaction once, which links (newUnion, unionid).
    const found = await store.findAppIdentityInUnion(input.appid, input.openid, input.unionKey, unionid);
    if (!found) return undefined;
    if (found.unionOwner !== found.identity.userId) {
      // A claim held before (another user owns the unionid) and brought again: still held, nothing to write.
      const { identity } = found;
      const heldAgain = input.unionidTrusted === false && found.unionOwner !== null && identity.pendingUnionid === unionid;
      if (!heldAgain || !quiet(identity, input, now, touch)) return undefined;
      return { userId: identity.userId, isNewUser: false, linked: false, mergedUserIds: [], unionid: null, unionidConfirmed: false, held: true };
    }
    // WeChat's word for a link that was only a claim confirms it: that is a write.
    if (input.unionidTrusted !== false && found.unionConfirmed !== true) return undefined;
    a = found.identity;
    unionidConfirmed = found.unionConfirmed === true;
  } else {
    a = await store.findAppIdentity(input.appid, input.openid);
  }
  if (!a) return undefined;
  if (unionid !== null && a.unionid !== unionid) return undefined;
  if (!quiet(a, input, now, touch)) return undefined;
  return { userId: a.userId, isNewUser: false, linked: false, mergedUserIds: [], unionid, unionidConfirmed, held: false };
}

/** Nothing of the identity itself would change: the same sealed session_key, seen within the last minute. */
function quiet(a: AppIdentityRow, input: ResolveLoginInput, now: number, touch: boolean): boolean {
  const sessionKeyEnc = input.sessionKeyEnc ?? null;
  if (sessionKeyEnc !== null && sessionKeyEnc !== a.sessionKeyEnc) return false;
  return !(touch && now - a.lastSeenAt >= LAST_SEEN_RESOLUTION_MS);
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
  if (input.unionidTrusted !== undefined && typeof input.unionidTrusted !== 'boolean') throw new TypeError('unionidTrusted must be a boolean or absent');
  if (sessionKeyEnc !== undefined && sessionKeyEnc !== null && typeof sessionKeyEnc !== 'string') {
    throw new TypeError('sessionKeyEnc must be a string, null or absent');
  }
}
