/** The public surface of weunion's WeChat layer: crypto, the typed API client, access tokens. */
export { decodeStrictBase64, type Base64Defect } from './crypto/strict-base64.js';
export { decryptUserData, type DecryptUserDataInput, type UserDataPayload } from './crypto/user-data.js';
export { rawDataSignature, verifyRawDataSignature, type VerifyRawDataSignatureInput } from './crypto/raw-data-signature.js';
export { sessionKeySignature } from './crypto/session-signature.js';

export { WeChatHttp, type RetryOptions, type WeChatHttpOptions, type WeChatRequest } from './api/request.js';
export {
  WeChatApiError,
  WeChatBodyError,
  WeChatStatusError,
  WeChatTimeoutError,
  WeChatTransportError,
  type EndpointRef,
} from './api/wechat-errors.js';
export { WECHAT_ERRCODE, TOKEN_INVALID_ERRCODES, RETRYABLE_ERRCODES, errcodeToErrorCode } from './api/errcodes.js';
export {
  code2Session,
  checkSessionKey,
  isStaleSessionKeyError,
  CODE2SESSION_PATH,
  CHECK_SESSION_PATH,
  type Code2SessionInput,
  type Code2SessionResult,
  type CheckSessionKeyInput,
} from './api/mini-program.js';
export { createCodeExchanger, type CodeExchanger, type CodeExchangerDeps } from './api/code-exchange.js';
export { createSingleFlight, type SingleFlight } from './api/single-flight.js';
export {
  fetchAccessToken,
  fetchStableAccessToken,
  TOKEN_PATH,
  STABLE_TOKEN_PATH,
  type AccessTokenResult,
  type AppCredentials,
} from './api/token.js';

export { createAccessTokenManager, type AccessTokenManager, type AccessTokenManagerOptions } from './tokens/access-token.js';
export { MemoryTokenCache } from './tokens/memory-token-cache.js';
export type { CachedToken, TokenCache } from './tokens/token-cache.js';
