/**
 * Erase a person (personal-information law, the right to deletion): the phone number (on the user and on its
 * aliases), the follow state and session keys (with the app identities that hold them) and the union identities are
 * removed; the WeChat ids are kept only as digests (erased-key.ts) and the user row stays as a tombstone, so every id
 * we issued — and a lookup by the erased openid or unionid — answers "erased". The person's events keep their type
 * and time, their WeChat ids redacted. A later login of the person creates a new user. `user.erased` with actor and
 * reason, in the same transaction.
 */
import { transactionWithRetries } from '../../identity/index.js';
import { type AdminActor, eventUnion, requireReason, requireVisible, unionsOf } from './admin-actor.js';
import type { AdminActionDeps } from './action-deps.js';
import { erasedKeyHash } from './erased-key.js';
import { lockLiveUser } from './live-user.js';

/** The keys of event data that carry the person's WeChat ids (resolve-in-tx.ts's linkData, the claim's `by`). */
export const PERSONAL_EVENT_KEYS = ['openid', 'unionid', 'by', 'pendingUnionid'] as const;

export interface EraseResult {
  userId: string;
  removed: { appIdentities: number; unionIdentities: number; sessionKeys: number; phone: boolean; events: number };
}

export async function eraseUser(deps: AdminActionDeps, actor: AdminActor, input: { userId: string; reason: string }): Promise<EraseResult> {
  const reason = requireReason(input.reason);
  const now = deps.clock.now();
  return transactionWithRetries(
    deps.store,
    async (tx) => {
      const user = await lockLiveUser(tx, input.userId);
      const [apps, unions, aliases] = await Promise.all([tx.listAppIdentities(user.id), tx.listUnionIdentities(user.id), tx.listAliases(user.id)]);
      const userUnions = unionsOf(deps.config, apps, unions);
      requireVisible(actor, userUnions);
      const ids = [user.id, ...aliases];
      for (const a of apps) {
        await tx.insertErasedIdentity({
          keyHash: erasedKeyHash('app', a.appid, a.openid),
          kind: 'app',
          appid: a.appid,
          unionKey: null,
          userId: user.id,
          erasedAt: now,
        });
        await tx.deleteAppIdentity(a.appid, a.openid);
      }
      for (const u of unions) {
        await tx.insertErasedIdentity({
          keyHash: erasedKeyHash('union', u.unionKey, u.unionid),
          kind: 'union',
          appid: null,
          unionKey: u.unionKey,
          userId: user.id,
          erasedAt: now,
        });
        await tx.deleteUnionIdentity(u.unionKey, u.unionid);
      }
      const { phones } = await tx.eraseUsers(ids, user.id, now);
      const events = await tx.redactEvents(ids, PERSONAL_EVENT_KEYS);
      const removed = {
        appIdentities: apps.length,
        unionIdentities: unions.length,
        sessionKeys: apps.filter((a) => a.sessionKeyEnc !== null).length,
        phone: phones > 0,
        events,
      };
      await tx.appendEvent({
        type: 'user.erased',
        userId: user.id,
        data: { actor: actor.name, reason, unionKey: eventUnion(actor, userUnions), unions: userUnions, removed },
        createdAt: now,
      });
      return { userId: user.id, removed };
    },
    deps.retry,
  );
}
