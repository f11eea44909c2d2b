/**
 * Every error weunion raises on purpose: one `ErrorCode` union, one catalogue (HTTP status + default
 * message), one `AppError` class. `docs/errors.md` lists every code; `test/errors-doc.test.ts` keeps the
 * two in sync. Misuse of an API by a programmer throws a plain `TypeError` instead.
 */

/** The catalogue: code → HTTP status and the default (client-safe) message. */
export const ERROR_CATALOG = {
  // --- request / routing ---
  ERR_VALIDATION: { status: 400, message: 'The request is malformed.' },
  ERR_NOT_FOUND: { status: 404, message: 'No such route.' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'This route does not answer this HTTP method: see the Allow header.' },
  ERR_BAD_URL: { status: 400, message: 'The URL path is not valid percent-encoding.' },
  ERR_URI_TOO_LONG: { status: 414, message: 'A segment of the URL path is too long.' },
  ERR_BAD_REQUEST: { status: 400, message: 'The HTTP request is malformed.' },
  ERR_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  ERR_EXPECTATION_FAILED: { status: 417, message: 'The Expect header can not be met: only 100-continue is supported.' },
  ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
  ERR_METRICS_FORBIDDEN: { status: 403, message: 'The metrics are served only with the metrics token, or to a loopback client when none is set.' },
  ERR_TOO_MANY_CONNECTIONS: { status: 429, message: 'This address has too many open connections; close some and retry.' },
  ERR_INTERNAL: { status: 500, message: 'Internal error.' },
  // --- apps / config ---
  ERR_APP_UNKNOWN: { status: 404, message: 'This appid is not configured in weunion.' },
  ERR_APP_KIND: { status: 400, message: 'This appid is not of the kind this route serves.' },
  ERR_CONFIG_INVALID: { status: 500, message: 'The configuration is invalid.' },
  ERR_KEYS_FILE_PERMISSIONS: { status: 500, message: 'keys.json may be read or written by group or others: run chmod 600 on it.' },
  // --- sessions (our own tokens) ---
  ERR_AUTH_MISSING: { status: 401, message: 'A Bearer token is required.' },
  ERR_AUTH_INVALID: { status: 401, message: 'The token is invalid.' },
  ERR_AUTH_EXPIRED: { status: 401, message: 'The token has expired.' },
  ERR_AUTH_APP_MISMATCH: { status: 403, message: 'The token was issued for another app.' },
  ERR_USER_NOT_FOUND: { status: 404, message: 'No such user.' },
  // --- mini program user data (encryptedData / rawData) ---
  ERR_CRYPTO_BASE64: { status: 400, message: 'A field is not strict base64.' },
  ERR_CRYPTO_KEY_LENGTH: { status: 400, message: 'The session_key does not decode to 16 bytes.' },
  ERR_CRYPTO_IV_LENGTH: { status: 400, message: 'The iv does not decode to 16 bytes.' },
  ERR_CRYPTO_DECRYPT: { status: 400, message: 'The encryptedData could not be decrypted.' },
  ERR_CRYPTO_PAYLOAD: { status: 400, message: 'The decrypted data is not the expected JSON.' },
  ERR_CRYPTO_WATERMARK_APPID: { status: 400, message: 'The data was sealed for another app.' },
  ERR_CRYPTO_WATERMARK_STALE: { status: 400, message: 'The data watermark is too old (or from the future).' },
  ERR_CRYPTO_OPENID_MISMATCH: { status: 400, message: 'The data belongs to another WeChat user.' },
  ERR_CRYPTO_SIGNATURE: { status: 400, message: 'The rawData signature does not match.' },
  ERR_SESSION_KEY_STALE: {
    status: 409,
    message: 'The session_key this data was sealed with is no longer current: call wx.login again and retry.',
  },
  ERR_LOGIN_CODE_INVALID: { status: 400, message: 'The login code is unknown, expired or already used.' },
  ERR_OAUTH_STATE_INVALID: { status: 400, message: 'The OAuth state is unknown, expired or already used: start the login again.' },
  ERR_OAUTH_BROWSER_MISMATCH: { status: 400, message: 'This login was started in another browser (or its cookie is gone): start it again here.' },
  ERR_OAUTH_REDIRECT_NOT_ALLOWED: { status: 400, message: 'The redirect URL is not allowed by this app\u2019s redirectAllowList.' },
  ERR_OAUTH_DENIED: { status: 403, message: 'The person refused the WeChat authorisation.' },
  ERR_OAUTH_SNAPSHOT_USER: { status: 403, message: 'WeChat showed the page in snapshot mode: the identity is virtual, so nobody was logged in.' },
  ERR_UNIONID_UNAVAILABLE: {
    status: 422,
    message: 'WeChat did not disclose a unionid (app not bound to an Open Platform account, or anonymised data).',
  },
  ERR_UNIONID_ALREADY_KNOWN: { status: 409, message: 'The unionid of this session is already known: nothing to decrypt (the session stands as it is).' },
  ERR_UNIONID_UNCONFIRMED: {
    status: 409,
    message: 'The decrypted unionid belongs to another user: weunion links it only when WeChat itself confirms it for this identity.',
  },
  // --- WeChat upstream ---
  ERR_WECHAT_CODE_INVALID: { status: 400, message: 'The login code is invalid or expired (40029).' },
  ERR_WECHAT_CODE_USED: { status: 400, message: 'The login code was already used (40163).' },
  ERR_WECHAT_CODE_BLOCKED: { status: 403, message: 'WeChat blocked this login as high-risk (40226).' },
  ERR_WECHAT_RATE_LIMITED: { status: 429, message: 'WeChat rate-limited this user or app (45011); retry next minute.' },
  ERR_WECHAT_QUOTA: { status: 503, message: 'The WeChat daily API quota is exhausted (45009).' },
  ERR_WECHAT_BUSY: { status: 503, message: 'WeChat is busy (-1); retry later.' },
  ERR_WECHAT_CREDENTIALS: { status: 502, message: 'WeChat rejected this app\u2019s appid/secret or IP whitelist: check the configuration.' },
  ERR_WECHAT_API: { status: 502, message: 'WeChat answered with an error.' },
  ERR_WECHAT_HTTP_STATUS: { status: 502, message: 'WeChat answered with an unexpected HTTP status.' },
  ERR_WECHAT_BAD_RESPONSE: { status: 502, message: 'WeChat answered with an unreadable or unexpected body.' },
  ERR_WECHAT_UNREACHABLE: { status: 503, message: 'WeChat could not be reached.' },
  ERR_WECHAT_TIMEOUT: { status: 503, message: 'WeChat did not answer in time.' },
  // --- official-account callback crypto (WXBizMsgCrypt) ---
  ERR_CALLBACK_SIGNATURE: { status: 403, message: 'The callback signature does not match.' },
  ERR_CALLBACK_DECRYPT: { status: 400, message: 'The callback message could not be decrypted.' },
  ERR_CALLBACK_APPID: { status: 400, message: 'The callback message was encrypted for another appid.' },
  ERR_CALLBACK_AES_KEY: { status: 500, message: 'The EncodingAESKey is invalid: it must be 43 characters that decode to 32 bytes.' },
  ERR_CALLBACK_NOT_CONFIGURED: {
    status: 404,
    message: 'This official account has no callback Token (or, for encrypted pushes, no EncodingAESKey) configured.',
  },
  ERR_CALLBACK_TIMESTAMP: { status: 403, message: 'The callback timestamp is outside the accepted window (a replay, or a skewed clock).' },
  ERR_CALLBACK_MODE: { status: 403, message: 'This official account expects encrypted pushes (encrypt_type=aes).' },
  ERR_CALLBACK_REPLAYED: { status: 403, message: 'This push signature was already used with another body.' },
  ERR_CALLBACK_RECIPIENT: { status: 400, message: 'The push is addressed to another official account (its ToUserName is not this account\u2019s originalId).' },
  ERR_CALLBACK_XML: { status: 400, message: 'The callback body is not a well-formed WeChat XML message.' },
  ERR_CALLBACK_XML_DOCTYPE: { status: 400, message: 'The callback XML declares a DOCTYPE or entities, which are refused.' },
  // --- scan-to-follow website login ---
  ERR_QR_LOGIN_NOT_FOUND: { status: 404, message: 'No such QR login.' },
  ERR_QR_LOGIN_EXPIRED: { status: 410, message: 'The QR login expired before it was completed: show a new QR code.' },
  ERR_QR_LOGIN_USED: { status: 410, message: 'The QR login was already completed and its login code handed out: show a new QR code.' },
  ERR_QR_LOGIN_BROWSER_MISMATCH: {
    status: 403,
    message: 'This QR login was created in another browser (or its cookie is gone): only that browser gets the login code.',
  },
  // --- store ---
  ERR_STORE_CONFLICT: { status: 503, message: 'Too many concurrent changes to the same identity; retry.' },
  ERR_STORE_UNAVAILABLE: { status: 503, message: 'The database cannot take this request now; retry.' },
  ERR_STORE_SCHEMA: { status: 500, message: 'The database schema is not at the version this build expects.' },
  // --- admin API (docs/admin.md) ---
  ERR_ADMIN_UNAUTHORIZED: { status: 401, message: 'A configured admin API key is required: Authorization: Bearer <key>.' },
  ERR_EVENTS_CURSOR_INVALID: { status: 400, message: 'The events cursor is not one this feed handed out.' },
  ERR_ADMIN_FORBIDDEN: { status: 403, message: 'This admin key may not do this (it lacks the scope, or the person is outside its union).' },
  ERR_ADMIN_USER_ERASED: { status: 409, message: 'This user was erased: nothing can be done to a tombstone.' },
  ERR_ADMIN_IDENTITY_NOT_FOUND: { status: 404, message: 'No such app identity (appid, openid).' },
  ERR_ADMIN_IDENTITY_TAKEN: { status: 409, message: 'This app identity belongs to another user: unlink it or merge the users instead.' },
  ERR_ADMIN_LAST_IDENTITY: { status: 409, message: 'This is the user’s only app identity: splitting it out would leave a user with none.' },
  ERR_ADMIN_SAME_USER: { status: 409, message: 'Both ids resolve to the same user: there is nothing to merge.' },
  ERR_ADMIN_MERGE_CONFLICT: {
    status: 409,
    message: 'The two users hold different unionids in one union (or different openids in one app): WeChat says they are two people.',
  },
  ERR_ADMIN_CROSS_UNION: { status: 409, message: 'The action would put identities of two unions (tenants) in one user.' },
  // --- emulator control API ---
  ERR_EMULATOR_BAD_REQUEST: { status: 400, message: 'The emulator control request is malformed.' },
  ERR_EMULATOR_NOT_FOUND: { status: 404, message: 'The emulator knows no such person or app.' },
  ERR_EMULATOR_FORBIDDEN: { status: 403, message: 'The emulator control API refuses cross-site and browser-forgeable requests.' },
  ERR_EMULATOR_TLS: {
    status: 500,
    message: 'The emulator could not make or read its local CA for HTTPS (is openssl installed, is the CA directory writable?).',
  },
  // --- sessions: refresh tokens and revocation (issue 13) ---
  ERR_AUTH_REVOKED: { status: 401, message: 'The session of this token was revoked (logout, revoke-all or refresh token reuse): log in again.' },
  ERR_REFRESH_INVALID: { status: 401, message: 'The refresh token is malformed or unknown.' },
  ERR_REFRESH_EXPIRED: { status: 401, message: 'The refresh token has expired: log in again.' },
  ERR_REFRESH_REUSED: { status: 401, message: 'The refresh token was already used: its whole session is revoked (possible token theft). Log in again.' },
  ERR_REFRESH_REVOKED: { status: 401, message: 'The session of this refresh token was revoked: log in again.' },
  ERR_SIGNING_KEY_UNAVAILABLE: { status: 500, message: 'No usable session signing key: the active key cannot be read.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** What WeChat said, kept on errors that came from an upstream errcode. Never contains secrets. */
export interface WeChatErrorDetail {
  errcode: number;
  errmsg: string;
}

export interface AppErrorOptions {
  message?: string;
  cause?: unknown;
  wechat?: WeChatErrorDetail;
  /** Extra, client-safe detail (e.g. which field failed validation). */
  details?: Record<string, unknown>;
}

/**
 * An expected failure with a stable `code` and HTTP `status`.
 * @example
 *   throw new AppError('ERR_CRYPTO_BASE64', { message: 'iv is not strict base64' });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly wechat?: WeChatErrorDetail;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_CATALOG[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    if (options.wechat) this.wechat = options.wechat;
    if (options.details) this.details = options.details;
  }

  /** The JSON body the HTTP API sends: `{ error: { code, message, wechat?, details? } }`. */
  toBody(): { error: { code: ErrorCode; message: string; wechat?: WeChatErrorDetail; details?: Record<string, unknown> } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.wechat ? { wechat: this.wechat } : {}),
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

/** True when `e` is an AppError, optionally with the given code. */
export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}
