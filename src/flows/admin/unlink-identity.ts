/**
 * Unlink: split one app identity out of its user into a new user (a wrong merge undone). The union identity goes
 * with the split identity only when no identity left behind carries that unionid; otherwise the split identity's
 * unionid is cleared, so every app identity's unionid stays owned by its own user (the login fast path relies on
 * it). A later login where WeChat itself gives this openid that unionid joins them again: WeChat's word wins.
 * Refused for the user's only app identity (nothing to split from). Writes `user.created` for the new user and
 * `identity.unlinked` on the old one, with actor and reason, in the same transaction.
 */
import { AppError } from '../../errors.js';
import { transactionWithRetries } from '../../identity/index.js';
import { type AdminActor, requireReason, requireVisible, unionOfApp, unionsOf } from './admin-actor.js';
import type { AdminActionDeps } from './action-deps.js';
import { lockResolved } from './live-user.js';

export interface UnlinkInput {
  appid: string;
  openid: string;
  reason: string;
}

export interface UnlinkResult {
  /** The user the identity was on. */
  fromUserId: string;
  /** The new user it is on now. */
  userId: string;
  /** The union identity moved with it. */
  unionIdentityMoved: boolean;
}

export async function unlinkIdentity(deps: AdminActionDeps, actor: AdminActor, input: UnlinkInput): Promise<UnlinkResult> {
  const reason = requireReason(input.reason);
  const now = deps.clock.now();
  return transactionWithRetries(
    deps.store,
    async (tx) => {
      const a = await tx.findAppIdentity(input.appid, input.openid);
      if (!a) throw new AppError('ERR_ADMIN_IDENTITY_NOT_FOUND');
      const owner = await lockResolved(tx, a.userId);
      const [apps, unions] = await Promise.all([tx.listAppIdentities(owner.id), tx.listUnionIdentities(owner.id)]);
      requireVisible(actor, unionsOf(deps.config, apps, unions));
      // Re-read under the lock: a merge committed since may have moved it (then the lock above was on a stale owner).
      if (!apps.some((x) => x.appid === a.appid && x.openid === a.openid)) throw new AppError('ERR_ADMIN_IDENTITY_NOT_FOUND');
      if (apps.length <= 1) throw new AppError('ERR_ADMIN_LAST_IDENTITY');
      const newId = deps.newId();
      await tx.insertUser({ id: newId, createdAt: now, mergedInto: null, mergedAt: null });
      const unionKey = unionOfApp(deps.config, a.appid);
      let moved = false;
      let keepUnionid = false;
      if (a.unionid !== null && unionKey !== null) {
        const u = unions.find((x) => x.unionKey === unionKey && x.unionid === a.unionid);
        const carriedByOthers = apps.some((x) => !(x.appid === a.appid && x.openid === a.openid) && x.unionid === a.unionid);
        if (u && !carriedByOthers) {
          await tx.deleteUnionIdentity(u.unionKey, u.unionid);
          await tx.insertUnionIdentity({ ...u, userId: newId });
          moved = true;
          keepUnionid = true;
        }
      }
      await tx.updateAppIdentity(a.appid, a.openid, { userId: newId, ...(keepUnionid ? {} : { unionid: null }) });
      const base = { appid: a.appid, openid: a.openid, actor: actor.name, reason };
      await tx.appendEvent({
        type: 'user.created',
        userId: newId,
        data: { ...base, splitFrom: owner.id, unionKey, unionid: keepUnionid ? a.unionid : null },
        createdAt: now,
      });
      await tx.appendEvent({
        type: 'identity.unlinked',
        userId: owner.id,
        data: { ...base, unionKey, unionid: a.unionid, newUserId: newId, unionIdentityMoved: moved },
        createdAt: now,
      });
      return { fromUserId: owner.id, userId: newId, unionIdentityMoved: moved };
    },
    deps.retry,
  );
}
