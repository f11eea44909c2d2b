/**
 * Merge two users by hand: every identity of `loser` moves to `survivor`, the loser resolves to the survivor for
 * good, and the phone number is carried as a login's merge does (identity/resolve-in-tx.ts case 6). Refused when
 * both ids are one user, when either is erased, when they hold different unionids in one union or different openids
 * in one app (WeChat says two people), and across unions. `user.merged` with actor and reason.
 */
import { AppError } from '../../errors.js';
import { transactionWithRetries } from '../../identity/index.js';
import type { AdminTx, AppIdentityRow, UnionIdentityRow } from '../../store/port.js';
import { type AdminActor, eventUnion, requireOneUnion, requireReason, requireVisible, unionsOf } from './admin-actor.js';
import type { AdminActionDeps } from './action-deps.js';
import { lockResolved, resolveAdminUser } from './live-user.js';

export interface MergeInput {
  survivorId: string;
  loserId: string;
  reason: string;
}

export interface MergeResult {
  userId: string;
  mergedUserId: string;
  movedAppIdentities: number;
  movedUnionIdentities: number;
  phoneCarried: boolean;
}

export async function mergeUsers(deps: AdminActionDeps, actor: AdminActor, input: MergeInput): Promise<MergeResult> {
  const reason = requireReason(input.reason);
  const now = deps.clock.now();
  return transactionWithRetries(
    deps.store,
    async (tx) => {
      const [s, l] = await Promise.all([resolveAdminUser(tx, input.survivorId), resolveAdminUser(tx, input.loserId)]);
      if (!s || !l) throw new AppError('ERR_USER_NOT_FOUND', { details: { userId: s ? input.loserId : input.survivorId } });
      if (s.user.id === l.user.id) throw new AppError('ERR_ADMIN_SAME_USER');
      // Both update-locked in id order, as a login's merge does, so two merges cannot deadlock.
      for (const id of [s.user.id, l.user.id].sort()) await lockResolved(tx, id);
      const [survivor, loser] = await Promise.all([identities(tx, s.user.id), identities(tx, l.user.id)]);
      const survivorUnions = unionsOf(deps.config, survivor.apps, survivor.unions);
      const loserUnions = unionsOf(deps.config, loser.apps, loser.unions);
      requireVisible(actor, survivorUnions);
      requireVisible(actor, loserUnions);
      requireOneUnion([...survivorUnions, ...loserUnions]);
      for (const u of loser.unions) {
        const other = survivor.unions.find((x) => x.unionKey === u.unionKey);
        if (other && other.unionid !== u.unionid) throw new AppError('ERR_ADMIN_MERGE_CONFLICT', { details: { unionKey: u.unionKey } });
      }
      for (const a of loser.apps) {
        if (survivor.apps.some((x) => x.appid === a.appid)) throw new AppError('ERR_ADMIN_MERGE_CONFLICT', { details: { appid: a.appid } });
      }
      const moved = await tx.moveIdentities(l.user.id, s.user.id);
      await tx.markMerged(l.user.id, s.user.id, now);
      const phoneCarried = await tx.carryPhone(l.user.id, s.user.id);
      const unionKey = eventUnion(actor, [...new Set([...survivorUnions, ...loserUnions])]);
      const result = { mergedUserId: l.user.id, movedAppIdentities: moved.app, movedUnionIdentities: moved.union, phoneCarried };
      await tx.appendEvent({ type: 'user.merged', userId: s.user.id, data: { ...result, unionKey, actor: actor.name, reason }, createdAt: now });
      return { userId: s.user.id, ...result };
    },
    deps.retry,
  );
}

async function identities(tx: AdminTx, userId: string): Promise<{ apps: AppIdentityRow[]; unions: UnionIdentityRow[] }> {
  const [apps, unions] = await Promise.all([tx.listAppIdentities(userId), tx.listUnionIdentities(userId)]);
  return { apps, unions };
}
