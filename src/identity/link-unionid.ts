/**
 * Linking a unionid learnt outside a login — official-account events + `user/info`, web OAuth,
 * follower backfill — to the app identity `(appid, openid)`. Same algorithm as `resolveLogin`
 * (cases 1–6, merges included), but it does not mark the identity as seen: no one logged in.
 */
import type { ResolveLoginDeps, ResolveLoginResult } from './resolve-login.js';
import { resolveIdentity } from './resolve-login.js';

export interface LinkUnionidInput {
  /** Our union the app is bound to (a unionid only exists within one). */
  unionKey: string;
  appid: string;
  openid: string;
  unionid: string;
}

/**
 * Records `unionid` for `(appid, openid)`, creating the user if the openid is new, merging when the
 * openid's user and the unionid's user differ. Idempotent.
 * @example
 *   await linkUnionid({ store, clock }, { unionKey: 'acme', appid: 'wxOA', openid, unionid });
 */
export async function linkUnionid(deps: ResolveLoginDeps, input: LinkUnionidInput): Promise<ResolveLoginResult> {
  if (!input || typeof input.unionKey !== 'string' || typeof input.unionid !== 'string') {
    throw new TypeError('linkUnionid needs unionKey and unionid strings');
  }
  return resolveIdentity(deps, { unionKey: input.unionKey, appid: input.appid, openid: input.openid, unionid: input.unionid }, { touch: false });
}
