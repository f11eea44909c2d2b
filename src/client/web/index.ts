/** `weunion/client/web`: the web SDK (scan-to-follow QR login, OAuth redirect, the session, its refresh and logout). No runtime dependencies. */
export { createWebClient, type OAuthStart, type QrLoginStart, type WebClient, type WebClientOptions } from './web-client.js';
export type { FollowOptions, QrLoginState, QrLoginStatus } from './qr-follow.js';
export { DEFAULT_WEB_STORAGE_KEY, type WebSession } from './web-session.js';
export type { WebRequestOptions, WebResponse } from './web-request.js';
export {
  memoryStorage,
  type EventSourceConstructor,
  type EventSourceLike,
  type FetchLike,
  type LocationLike,
  type LocksLike,
  type StorageLike,
} from './browser-like.js';
export type { LoginResponse } from '../weunion-api.js';
export { CLIENT_ERROR_CODES, WeUnionClientError, isWeUnionClientError, type ClientErrorCode } from '../errors.js';
