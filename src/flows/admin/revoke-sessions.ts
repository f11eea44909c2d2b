/**
 * "Sign this person out everywhere", as an admin action: every session family of the live user and of the users
 * merged into it is revoked (their refresh tokens stop refreshing and their access tokens stop verifying at once,
 * flows/sessions/session-service.ts), recorded as `sessions.revoked` with actor and reason. Erasing a person does
 * the same after the erasure.
 */
import { transactionWithRetries } from '../../identity/index.js';
import type { SessionStore } from '../../store/port.js';
import type { AdminActionDeps } from './action-deps.js';
import { type AdminActor, eventUnion, requireReason, requireVisible, unionsOf } from './admin-actor.js';
import { lockLiveUser } from './live-user.js';

export type SessionRevoker = Pick<SessionStore, 'revokeUserFamilies'>;

export async function revokeSessions(
  deps: AdminActionDeps & { sessions: SessionRevoker },
  actor: AdminActor,
  input: { userId: string; reason: string },
): Promise<{ userId: string; revoked: number }> {
  const reason = requireReason(input.reason);
  const now = deps.clock.now();
  const { userId, ids } = await transactionWithRetries(
    deps.store,
    async (tx) => {
      const user = await lockLiveUser(tx, input.userId);
      const [apps, unions, aliases] = await Promise.all([tx.listAppIdentities(user.id), tx.listUnionIdentities(user.id), tx.listAliases(user.id)]);
      const userUnions = unionsOf(deps.config, apps, unions);
      requireVisible(actor, userUnions);
      const data = { actor: actor.name, reason, unionKey: eventUnion(actor, userUnions) };
      await tx.appendEvent({ type: 'sessions.revoked', userId: user.id, data, createdAt: now });
      return { userId: user.id, ids: [user.id, ...aliases] };
    },
    deps.retry,
  );
  return { userId, revoked: await deps.sessions.revokeUserFamilies(ids, now) };
}
