/** The public surface of weunion's WeChat layer: crypto, the typed API client, access tokens. */
export { decodeStrictBase64, type Base64Defect } from './crypto/strict-base64.js';
export { decryptUserData, type DecryptUserDataInput, type UserDataPayload } from './crypto/user-data.js';
export { rawDataSignature, verifyRawDataSignature, type VerifyRawDataSignatureInput } from './crypto/raw-data-signature.js';
export { sessionKeySignature } from './crypto/session-signature.js';
export {
  createMessageCrypt,
  type DecryptedMessage,
  type EncryptOptions,
  type MessageCrypt,
  type MessageCryptOptions,
  type MessageKey,
} from './crypto/msg-crypt.js';
export { callbackSignature } from './crypto/callback-signature.js';

export { WeChatHttp, type RetryOptions, type WeChatHttpOptions, type WeChatRequest } from './api/request.js';
export {
  WeChatApiError,
  WeChatBodyError,
  WeChatStatusError,
  WeChatTimeoutError,
  WeChatTransportError,
  type EndpointRef,
} from './api/wechat-errors.js';
export { WECHAT_ERRCODE, TOKEN_INVALID_ERRCODES, RETRYABLE_ERRCODES, errcodeToErrorCode, errcodeAdvice } from './api/errcodes.js';
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
export {
  getUserInfo,
  USER_INFO_PATH,
  type OaUserInfo,
  type UserInfoLang,
} from './api/user-info.js';
export { createTempQrCode, showQrCodeUrl, QRCODE_CREATE_PATH, SHOW_QRCODE_PATH, TEMP_QRCODE_MAX_SECONDS, type TempQrCode } from './api/qrcode.js';
export {
  exchangeOAuthCode,
  getOAuthUserInfo,
  OAUTH_ACCESS_TOKEN_PATH,
  SNS_USERINFO_PATH,
  type OAuthToken,
  type OAuthUserInfo,
} from './api/oauth.js';
export { createOAuthCodeExchanger, type OAuthCodeExchanger } from './api/oauth-code-exchange.js';
export { getPhoneNumber, PHONE_NUMBER_PATH, type PhoneNumber } from './api/phone.js';
export { getPaidUnionid, PAID_UNIONID_PATH, type PaidOrder } from './api/paid-unionid.js';
export { createSingleFlight, type SingleFlight } from '../cache/single-flight.js';
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
export type { TokenSource } from './tokens/token-source.js';
export { createUrlTokenSource, type UrlTokenSourceOptions } from './tokens/url-token-source.js';
export * from './callback/index.js';
