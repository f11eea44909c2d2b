/**
 * The operators' use cases (issue 14), bound once to their store, config and clock: used by the admin routes
 * (server/routes/admin-*.ts) and by `weunion users …` (cli/commands/users/), which build it over the configured
 * store without a server. Every action takes the actor (a key's name and union limit) and a reason.
 */
import type { Clock } from '../../clock.js';
import type { RetryOptions } from '../../identity/index.js';
import { createUserId } from '../../identity/index.js';
import type { AdminStore, ProfileStore } from '../../store/port.js';
import type { AdminActor, AdminConfig } from './admin-actor.js';
import { loadAdminUser } from './admin-user-view.js';
import { eraseUser } from './erase-user.js';
import { type FindQuery, findUsers } from './find-user.js';
import { type LinkInput, linkIdentity } from './link-identity.js';
import { type MergeInput, mergeUsers } from './merge-users.js';
import { revokeSessions, type SessionRevoker } from './revoke-sessions.js';
import { type UnlinkInput, unlinkIdentity } from './unlink-identity.js';

export interface AdminFlowDeps {
  config: AdminConfig;
  store: AdminStore;
  profile: Pick<ProfileStore, 'findUserPhone'>;
  /** Session families (store.sessions): revoked by `revokeSessions` and after an erasure. */
  sessions: SessionRevoker;
  clock: Clock;
  newId?: () => string;
  retry?: RetryOptions;
}

export type AdminFlows = ReturnType<typeof createAdminFlows>;

/**
 * @example
 *   const admin = createAdminFlows({ config, store: store.admin, profile: store.profile, sessions: store.sessions, clock });
 *   await admin.merge({ name: 'ops', union: null }, { survivorId, loserId, reason: 'ticket 42' });
 */
export function createAdminFlows(deps: AdminFlowDeps) {
  const actions = {
    config: deps.config,
    store: deps.store,
    clock: deps.clock,
    newId: deps.newId ?? createUserId,
    ...(deps.retry ? { retry: deps.retry } : {}),
  };
  const reads = { config: deps.config, store: deps.store, profile: deps.profile };
  return Object.freeze({
    find: (actor: AdminActor, query: FindQuery) => findUsers(reads, actor, query),
    show: async (actor: AdminActor, id: string) => (await loadAdminUser(reads, actor, id)).view,
    /** Everything weunion holds on one person, as JSON (the person's own events unredacted). */
    export: async (actor: AdminActor, id: string) => {
      const { view, events } = await loadAdminUser(reads, actor, id);
      return { exportedAt: deps.clock.now(), user: view, events };
    },
    link: (actor: AdminActor, input: LinkInput) => linkIdentity(actions, actor, input),
    unlink: (actor: AdminActor, input: UnlinkInput) => unlinkIdentity(actions, actor, input),
    merge: (actor: AdminActor, input: MergeInput) => mergeUsers(actions, actor, input),
    /** Erases the person, then signs them out everywhere (their tokens would otherwise live until they expire). */
    erase: async (actor: AdminActor, input: { userId: string; reason: string }) => {
      const erased = await eraseUser(actions, actor, input);
      const aliases = await deps.store.listAliases(erased.userId);
      const revokedSessions = await deps.sessions.revokeUserFamilies([erased.userId, ...aliases], deps.clock.now());
      return { ...erased, revokedSessions };
    },
    revokeSessions: (actor: AdminActor, input: { userId: string; reason: string }) => revokeSessions({ ...actions, sessions: deps.sessions }, actor, input),
  });
}

export type { AdminActor } from './admin-actor.js';
