/**
 * The identity service: the identity layer bound once, in the composition root, to its store, clock and id
 * source, so a flow asks `identity.resolve(input)` instead of rebuilding `{ store, clock, newId }` at each call
 * (Logto's `Libraries`). Everything here is the pure functions of this folder; nothing else is added.
 */
import type { Clock } from '../clock.js';
import type { IdentityStore, ProfileStore } from '../store/port.js';
import { resolveLogin, type ResolveLoginInput, type ResolveLoginResult, type ResolveOptions } from './resolve-login.js';
import { getUserView, resolveUserId, type UserView } from './resolve-user.js';
import type { RetryOptions } from './retry-transaction.js';
import { createUserId } from './user-id.js';

export interface IdentityService {
  /** docs/design.md "Resolving a login": finds or creates the user of (appid, openid), links and merges by unionid. */
  resolve(input: ResolveLoginInput, options?: ResolveOptions): Promise<ResolveLoginResult>;
  /** The live user an id we issued resolves to (through merges), or undefined for an id we never issued. */
  liveUserId(id: string): Promise<string | undefined>;
  /** The secret-free view of the live user behind `id` (identities, aliases, phone), or undefined. */
  view(id: string): Promise<UserView | undefined>;
}

export interface IdentityServiceDeps {
  identity: IdentityStore;
  profile: Pick<ProfileStore, 'findUserPhone'>;
  clock: Clock;
  /** New user ids; default `createUserId`. */
  newId?: () => string;
  retry?: RetryOptions;
}

/**
 * @example
 *   const identity = createIdentityService({ identity: store.identity, profile: store.profile, clock });
 *   const { userId, isNewUser } = await identity.resolve({ unionKey: 'acme', appid, openid, unionid });
 */
export function createIdentityService(deps: IdentityServiceDeps): IdentityService {
  if (typeof deps?.identity?.transaction !== 'function' || typeof deps.profile?.findUserPhone !== 'function') {
    throw new TypeError('createIdentityService needs the identity and profile sub-stores');
  }
  const resolveDeps = { store: deps.identity, clock: deps.clock, newId: deps.newId ?? createUserId, ...(deps.retry ? { retry: deps.retry } : {}) };
  return Object.freeze({
    resolve: (input: ResolveLoginInput, options?: ResolveOptions) => resolveLogin(resolveDeps, input, options),
    liveUserId: (id: string) => resolveUserId(deps.identity, id),
    view: (id: string) => getUserView({ identity: deps.identity, profile: deps.profile }, id),
  });
}
