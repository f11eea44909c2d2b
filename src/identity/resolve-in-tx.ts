/**
 * The transaction of a login that changes something: docs/design.md "Resolving a login", cases 1–6, with the rule of
 * "Whose word a unionid is" applied first. A decrypted unionid (`unionidTrusted: false`) is only as trustworthy as the
 * least-guarded AppSecret in the union — whoever holds one can seal encryptedData naming anyone's unionid — so it
 * links only a unionid nobody owns yet (as an unconfirmed claim), and a unionid another user owns is *held*: kept
 * aside on the identity, joining and merging nothing. WeChat's own word (code2session, user/info, OAuth) confirms a
 * claim of the same user, and displaces another user's unconfirmed claim rather than joining it.
 */
import { type IdentityTx, RetryableTransactionError } from '../store/port.js';
import type { ResolveLoginInput, ResolveLoginResult } from './resolve-types.js';

/** `last_seen_at` moves at most once a minute: a login that changes nothing else then writes nothing. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface TxContext {
  newId: () => string;
  now: number;
  touch: boolean;
}

/*
 * Locking protocol (what keeps the invariants under concurrency on PostgreSQL READ COMMITTED; on
 * SQLite transactions already run one at a time, so the locks are plain reads there):
 * - a transaction that points an identity at an existing user, or updates one of its identities,
 *   first share-locks that user and checks it is still live;
 * - a merge, and the release of a claim, update-lock the users they change (a merge both, in id
 *   order, so two merges cannot deadlock) and check they are live; a merge therefore waits for every
 *   transaction pointing identities at the loser, and they wait for it — so its moves see every
 *   identity of the loser, and none is added afterwards;
 * - a user found merged once locked means what we read before locking is stale: the whole
 *   transaction is retried (RetryableTransactionError 'stale') and reads the survivor.
 * A live user's identities only change owner by a merge of that user, so once its lock is held, the
 * identities read as pointing at it still do. Two transactions inserting the same identity collide
 * on its primary key (UniqueViolationError): the loser is retried and finds the winner's row.
 */
export async function resolveInTx(tx: IdentityTx, ctx: TxContext, input: ResolveLoginInput): Promise<ResolveLoginResult> {
  const { appid, openid, unionKey } = input;
  const trusted = input.unionidTrusted !== false;
  const sessionKeyEnc = input.sessionKeyEnc ?? null;
  const { now } = ctx;

  // 1. Look both up.
  const a = await tx.findAppIdentity(appid, openid);
  let unionid = input.unionid ?? null;
  let u = unionKey !== null && unionid !== null ? await tx.findUnionIdentity(unionKey, unionid) : undefined;

  // Whose word: hold a claim on another user's unionid; confirm or displace a claim with WeChat's word.
  let held: string | null = null;
  let confirm = false;
  if (u && unionKey !== null && unionid !== null && !(a && a.userId === u.userId)) {
    if (!trusted) {
      held = unionid;
      unionid = null;
      u = undefined;
    } else if (!u.confirmed) {
      const claimant = await lockLiveUser(tx, u.userId, 'update');
      const released = await tx.releaseUnionClaim(unionKey, unionid, claimant);
      const data = { unionKey, unionid, reason: 'claim displaced by WeChat’s own unionid', appIdentities: released.appIdentities, by: { appid, openid } };
      if (released.released) await tx.appendEvent({ type: 'identity.unlinked', userId: claimant, data, createdAt: now });
      u = undefined;
    }
  } else if (u && trusted && !u.confirmed) {
    confirm = true; // the claim's own user, now confirmed by WeChat
  }
  const confirmed = unionid !== null && (trusted || (u?.confirmed ?? false));
  const linkData = { appid, openid, unionKey, unionid, confirmed };
  const done = (r: Pick<ResolveLoginResult, 'userId' | 'isNewUser' | 'linked' | 'mergedUserIds'>): ResolveLoginResult => ({
    ...r,
    unionid,
    unionidConfirmed: confirmed,
    held: held !== null,
  });

  if (!a) {
    if (!u) {
      // 2. Neither: a new person (as far as we know). The new user is invisible to others until commit.
      const userId = ctx.newId();
      await tx.insertUser({ id: userId, createdAt: now, mergedInto: null, mergedAt: null });
      if (unionKey !== null && unionid !== null) await tx.insertUnionIdentity({ unionKey, unionid, userId, createdAt: now, confirmed: trusted });
      await tx.insertAppIdentity({ appid, openid, userId, unionid, sessionKeyEnc, firstSeenAt: now, lastSeenAt: now, pendingUnionid: held });
      await tx.appendEvent({ type: 'user.created', userId, data: linkData, createdAt: now });
      return done({ userId, isNewUser: true, linked: false, mergedUserIds: [] });
    }
    // 4. Only the union identity (a confirmed one: see above): this openid joins the unionid's user.
    const userId = await lockLiveUser(tx, u.userId, 'share');
    await tx.insertAppIdentity({ appid, openid, userId, unionid, sessionKeyEnc, firstSeenAt: now, lastSeenAt: now });
    await tx.appendEvent({ type: 'identity.linked', userId, data: linkData, createdAt: now });
    return done({ userId, isNewUser: false, linked: true, mergedUserIds: [] });
  }

  // 3, 5, 6: the app identity exists.
  let userId = a.userId;
  const mergedUserIds: string[] = [];
  let unionInserted = false;
  if (u && u.userId !== a.userId) {
    // 6. The person was split before the unionid was known: the unionid's (confirmed) owner survives.
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
      // 3. A unionid learnt now: link it to the app identity's user (a claim, when decrypted).
      await tx.insertUnionIdentity({ unionKey, unionid, userId, createdAt: now, confirmed: trusted });
      unionInserted = true;
    }
    if (confirm && unionKey !== null && unionid !== null) await tx.confirmUnionIdentity(unionKey, unionid);
    // 5. Both, same user: nothing to link.
  }

  const linked = unionid !== null && (unionInserted || a.unionid !== unionid);
  const patch: Parameters<IdentityTx['updateAppIdentity']>[2] = {};
  if (linked) patch.unionid = unionid;
  if (held !== null && a.pendingUnionid !== held) patch.pendingUnionid = held;
  else if (unionid !== null && trusted && a.pendingUnionid !== null) patch.pendingUnionid = null; // WeChat's word settles it
  // Never move last_seen_at backwards (instances' clocks may differ slightly).
  if (ctx.touch && now - a.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) patch.lastSeenAt = now;
  if (sessionKeyEnc !== null && sessionKeyEnc !== a.sessionKeyEnc) patch.sessionKeyEnc = sessionKeyEnc;
  if (Object.keys(patch).length > 0) await tx.updateAppIdentity(appid, openid, patch);
  if (linked || confirm) await tx.appendEvent({ type: 'identity.linked', userId, data: linkData, createdAt: now });
  return done({ userId, isNewUser: false, linked: linked || confirm, mergedUserIds });
}

/** Locks `id` (see the protocol above); merged since we read it → retry the transaction. */
async function lockLiveUser(tx: IdentityTx, id: string, mode: 'share' | 'update'): Promise<string> {
  const user = await tx.lockUser(id, mode);
  // Users are never deleted and identities reference them by foreign key: this is corruption.
  if (!user) throw new Error(`identity points at a missing user ${id}`);
  if (user.mergedInto !== null) throw new RetryableTransactionError('stale');
  return id;
}
