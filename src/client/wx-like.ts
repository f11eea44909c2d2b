/**
 * The slice of the mini program `wx` API the SDK uses, typed minimally so that the real `wx`, a test
 * double, or `createEmulatorWx()` all fit. Callback style, as the real API:
 * https://developers.weixin.qq.com/miniprogram/dev/api/
 */

/** What every wx `fail` callback receives, e.g. `{ errMsg: 'getUserInfo:fail auth deny' }`. */
export interface WxError {
  errMsg: string;
}

/** `success` / `fail` / `complete` callbacks shared by every async wx API. */
export interface WxCallbacks<T> {
  success?(res: T): void;
  fail?(err: WxError): void;
  complete?(): void;
}

/** https://developers.weixin.qq.com/miniprogram/dev/api/open-api/login/wx.login.html */
export interface WxLoginResult {
  code: string;
  errMsg?: string;
}

/**
 * What `wx.getUserInfo` / `wx.getUserProfile` yield. `encryptedData` + `iv` are sealed with the
 * session_key current at that moment; `signature = sha1(rawData + session_key)`.
 * https://developers.weixin.qq.com/miniprogram/dev/api/open-api/user-info/wx.getUserProfile.html
 */
export interface WxUserData {
  encryptedData: string;
  iv: string;
  rawData?: string;
  signature?: string;
  userInfo?: Record<string, unknown>;
  errMsg?: string;
}

/** https://developers.weixin.qq.com/miniprogram/dev/api/network/request/wx.request.html */
export interface WxRequestOptions extends WxCallbacks<WxRequestResult> {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  data?: unknown;
  header?: Record<string, string>;
}

export interface WxRequestResult {
  statusCode: number;
  /** Parsed JSON when the answer was JSON (wx's default `dataType: 'json'`), otherwise the raw string. */
  data: unknown;
  header?: Record<string, string>;
}

/** The minimal `wx` the SDK needs. Only the user-data API selected by `userInfoApi` must exist. */
export interface WxLike {
  login(options: WxCallbacks<WxLoginResult> & { timeout?: number }): void;
  getUserInfo?(options: WxCallbacks<WxUserData> & { withCredentials?: boolean; lang?: string }): void;
  getUserProfile?(options: WxCallbacks<WxUserData> & { desc: string; lang?: string }): void;
  request(options: WxRequestOptions): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}
