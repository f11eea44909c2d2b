/**
 * What a login tells whoever watches the service (the Prometheus counters of compose/service-metrics.ts): the app,
 * the road, whether the person is new, and **where the unionid came from** — the question operators ask ("why is
 * unionid empty for this user?"). Only the flow knows the source: code2session's answer, the decrypted
 * encryptedData, the official account's user/info (scan-to-follow), the OAuth token or sns/userinfo, getpaidunionid,
 * or none. Optional in every flow's deps: without an observer nothing is counted and nothing is paid for.
 */

/** Where the unionid a login ends with came from; `none` = the login ended without one (or it was held back). */
export type UnionidSource = 'code2session' | 'decrypt' | 'official_account' | 'oauth' | 'paid_unionid' | 'none';

/** Which road the login took. */
export type LoginRoad = 'mp_login' | 'mp_unionid' | 'mp_paid_unionid' | 'oauth' | 'oa_qr_login';

export interface LoginEvent {
  appid: string;
  road: LoginRoad;
  unionidSource: UnionidSource;
  isNewUser: boolean;
}

export interface LoginObserver {
  /** A login that succeeded (failures are counted by route and status over HTTP). Must not throw or block. */
  login(event: LoginEvent): void;
}

/**
 * The source to report: `road` when the login ended with a unionid, else `none`.
 * @example
 *   deps.logins?.login({ appid, road: 'oauth', unionidSource: sourceOf(result.unionid, 'oauth'), isNewUser });
 */
export function sourceOf(unionid: string | null | undefined, road: Exclude<UnionidSource, 'none'>): UnionidSource {
  return unionid ? road : 'none';
}
