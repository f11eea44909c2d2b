/**
 * Link an app identity to a user by hand (an operator knows this openid is this person): the identity is created on
 * the user. Refused when it already belongs to another user (unlink it or merge instead), when the user already has
 * another openid in that app (two people), across unions, or on a tombstone. `identity.linked` with actor and reason.
 */
import { AppError } from '../../errors.js';
import { transactionWithRetries } from '../../identity/index.js';
import { type AdminActor, requireOneUnion, requireReason, requireVisible, unionOfApp, unionsOf } from './admin-actor.js';
import type { AdminActionDeps } from './action-deps.js';
import { lockLiveUser } from './live-user.js';

export interface LinkInput {
  userId: string;
  appid: string;
  openid: string;
  reason: string;
}

export async function linkIdentity(deps: AdminActionDeps, actor: AdminActor, input: LinkInput): Promise<{ userId: string; changed: boolean }> {
  const reason = requireReason(input.reason);
  const app = deps.config.apps.find((a) => a.appid === input.appid);
  if (!app) throw new AppError('ERR_APP_UNKNOWN');
  if (actor.union !== null && app.union !== actor.union) {
    throw new AppError('ERR_ADMIN_FORBIDDEN', { message: 'This app is outside the union this admin key is limited to.' });
  }
  const now = deps.clock.now();
  return transactionWithRetries(
    deps.store,
    async (tx) => {
      const user = await lockLiveUser(tx, input.userId);
      const [apps, unions] = await Promise.all([tx.listAppIdentities(user.id), tx.listUnionIdentities(user.id)]);
      const userUnions = unionsOf(deps.config, apps, unions);
      requireVisible(actor, userUnions);
      const existing = await tx.findAppIdentity(input.appid, input.openid);
      if (existing?.userId === user.id) return { userId: user.id, changed: false };
      if (existing) throw new AppError('ERR_ADMIN_IDENTITY_TAKEN', { details: { userId: existing.userId } });
      if (apps.some((a) => a.appid === input.appid)) throw new AppError('ERR_ADMIN_MERGE_CONFLICT', { details: { appid: input.appid } });
      requireOneUnion([...userUnions, unionOfApp(deps.config, input.appid)]);
      // Seen "now" only because the columns need a time: the unionid comes with this openid's next login.
      await tx.insertAppIdentity({
        appid: input.appid,
        openid: input.openid,
        userId: user.id,
        unionid: null,
        sessionKeyEnc: null,
        firstSeenAt: now,
        lastSeenAt: now,
      });
      await tx.appendEvent({
        type: 'identity.linked',
        userId: user.id,
        data: { appid: input.appid, openid: input.openid, unionKey: app.union, unionid: null, confirmed: false, actor: actor.name, reason },
        createdAt: now,
      });
      return { userId: user.id, changed: true };
    },
    deps.retry,
  );
}
