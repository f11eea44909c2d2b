/**
 * The error the SDK throws, and the codes it can carry. The SDK runs inside a mini program and may not
 * import the server's `src/errors.ts`, so the server codes it reacts to are repeated here as strings;
 * they must match the server catalogue (`docs/errors.md`).
 */

/** Server codes the SDK reacts to (a subset of the server catalogue; any other server code passes through). */
export const SERVER_ERROR_CODES = {
  /** 409: the data was sealed with a session_key that is no longer current → wx.login again, retry once. */
  SESSION_KEY_STALE: 'ERR_SESSION_KEY_STALE',
  /** 422: WeChat will not disclose a unionid for this person/app; the openid login stands. */
  UNIONID_UNAVAILABLE: 'ERR_UNIONID_UNAVAILABLE',
  /** 409: the session's unionid is already known → nothing to decrypt; a silent login refreshes what the SDK holds. */
  UNIONID_ALREADY_KNOWN: 'ERR_UNIONID_ALREADY_KNOWN',
  /** 409: the decrypted unionid is another user's: held until WeChat confirms it; the openid login stands. */
  UNIONID_UNCONFIRMED: 'ERR_UNIONID_UNCONFIRMED',
  /** 401: the weunion token expired → log in again (silently) once. */
  AUTH_EXPIRED: 'ERR_AUTH_EXPIRED',
  AUTH_INVALID: 'ERR_AUTH_INVALID',
  AUTH_MISSING: 'ERR_AUTH_MISSING',
  /** 401: the access token's session was revoked (logout, revoke-all, refresh token reuse) → the SDK forgets it. */
  AUTH_REVOKED: 'ERR_AUTH_REVOKED',
  /** 401: the refresh token is unknown (another deployment, a reset database) → log in again (silently where possible). */
  REFRESH_INVALID: 'ERR_REFRESH_INVALID',
  /** 401: the refresh token is past `session.refreshTtlSeconds` → log in again (silently where possible). */
  REFRESH_EXPIRED: 'ERR_REFRESH_EXPIRED',
  /** 401: a rotated refresh token came back: the whole session is revoked → the SDK forgets it. */
  REFRESH_REUSED: 'ERR_REFRESH_REUSED',
  /** 401: the refresh token's session was revoked → the SDK forgets it. */
  REFRESH_REVOKED: 'ERR_REFRESH_REVOKED',
  /** 400: the wx.login code was already exchanged (40163). */
  WECHAT_CODE_USED: 'ERR_WECHAT_CODE_USED',
  /** 400: the wx.login code is unknown or older than 5 minutes (40029). */
  WECHAT_CODE_INVALID: 'ERR_WECHAT_CODE_INVALID',
} as const;

/** Codes raised by the SDK itself (never sent by the server). */
export const CLIENT_ERROR_CODES = {
  /** `wx.request` failed: no answer at all (offline, DNS, TLS, domain not whitelisted…). */
  NETWORK: 'ERR_CLIENT_NETWORK',
  /** A wx API (`wx.login`, `wx.getUserInfo`…) failed for a reason other than the user's refusal. */
  WX: 'ERR_CLIENT_WX',
  /** The server answered, but not with the contract's shape (no JSON, missing fields). */
  BAD_RESPONSE: 'ERR_CLIENT_BAD_RESPONSE',
  /**
   * The server revoked the session (ERR_REFRESH_REUSED, ERR_REFRESH_REVOKED or ERR_AUTH_REVOKED, kept as `cause`): the
   * stored session is cleared; log in again.
   */
  SESSION_REVOKED: 'ERR_CLIENT_SESSION_REVOKED',
  /** Web SDK: no session to use or renew (none stored, no refresh token, or it expired — then `cause`): log in again. */
  LOGGED_OUT: 'ERR_CLIENT_LOGGED_OUT',
} as const;

/** Any code the SDK raises or forwards from the server. */
export type ClientErrorCode =
  | (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES]
  | (typeof SERVER_ERROR_CODES)[keyof typeof SERVER_ERROR_CODES]
  | (string & {});

/** What WeChat said, when the server's error came from an upstream errcode. */
export interface WeChatErrorInfo {
  errcode: number;
  errmsg: string;
}

export interface WeUnionClientErrorOptions {
  /** HTTP status of the server's answer; 0 when there was no answer (network / wx failure). */
  status?: number;
  message?: string;
  wechat?: WeChatErrorInfo;
  cause?: unknown;
}

/**
 * Every failure the SDK surfaces: `code` is the server's code (e.g. `ERR_SESSION_KEY_STALE`) or one of
 * `CLIENT_ERROR_CODES`; `status` is the HTTP status (0 when nothing was received).
 * @example
 *   try { await client.login(); }
 *   catch (e) { if (e instanceof WeUnionClientError && e.code === 'ERR_CLIENT_NETWORK') showOffline(); }
 */
export class WeUnionClientError extends Error {
  // `declare`: no ES2022 class-field syntax in the emitted SDK (older mini program JS engines lack it).
  declare readonly code: ClientErrorCode;
  declare readonly status: number;
  declare readonly wechat?: WeChatErrorInfo;

  constructor(code: ClientErrorCode, options: WeUnionClientErrorOptions = {}) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeUnionClientError';
    this.code = code;
    this.status = options.status ?? 0;
    if (options.wechat) this.wechat = options.wechat;
  }
}

/** True when `e` is a WeUnionClientError, optionally with the given code. */
export function isWeUnionClientError(e: unknown, code?: ClientErrorCode): e is WeUnionClientError {
  return e instanceof WeUnionClientError && (code === undefined || e.code === code);
}
