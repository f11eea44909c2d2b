/** `weunion/client`: the mini program SDK (no runtime dependencies) and its test adapter. */
export {
  createMiniProgramClient,
  type ClientRequestOptions,
  type LoginStrategy,
  type MiniProgramClient,
  type MiniProgramClientOptions,
} from './mini-program-client.js';
export type { LoginResult } from './login-flows.js';
export type { LoginResponse } from './weunion-api.js';
export { DEFAULT_STORAGE_KEY, type StoredSession } from './session-store.js';
export type { UserInfoApi } from './wx-calls.js';
export type {
  WxCallbacks,
  WxError,
  WxLike,
  WxLoginResult,
  WxRequestOptions,
  WxRequestResult,
  WxUserData,
} from './wx-like.js';
export {
  CLIENT_ERROR_CODES,
  SERVER_ERROR_CODES,
  WeUnionClientError,
  isWeUnionClientError,
  type ClientErrorCode,
  type WeChatErrorInfo,
} from './errors.js';
export { createEmulatorWx, type EmulatorWx, type EmulatorWxOptions } from './testing/emulator-wx.js';
export { createEmulatorUni, uniFromWx, type FakeUni, type UniPromiseStyle } from './testing/emulator-uni.js';
export { createEmulatorTaro, taroFromWx, type TaroPlatform } from './testing/emulator-taro.js';
