/**
 * `weunion/client/uni`: the mini program SDK inside a uni-app build for WeChat (mp-weixin). uni's APIs mirror wx's
 * (https://uniapp.dcloud.net.cn/api/plugins/login.html, …/api/request/request.html, …/api/storage/storage.html), so
 * the adapter only renames: `uni.login({ provider: 'weixin' })`, `uni.getUserInfo` / `uni.getUserProfile`,
 * `uni.request`, the `*StorageSync` trio. It always passes `success`/`fail`, i.e. uses uni's callback form, because
 * the promise form differs by version: without callbacks, Vue 2 uni-app resolves `[err, res]` and never rejects,
 * Vue 3 resolves `res` or rejects `err` (https://uniapp.dcloud.net.cn/api/#api-promise-化). The callback form is the
 * same in both, and an app-wide `uni.addInterceptor({ returnValue })` that reshapes promises does not touch it.
 */
import { createMiniProgramClient, type MiniProgramClient, type MiniProgramClientOptions } from '../mini-program-client.js';
import type { WxCallbacks, WxLike, WxLoginResult, WxRequestOptions, WxUserData } from '../wx-like.js';

/** The slice of the `uni` global the SDK uses (the callback form of each call). */
export interface UniLike {
  login(options: WxCallbacks<WxLoginResult> & { provider?: string; timeout?: number }): unknown;
  getUserInfo?(options: WxCallbacks<WxUserData> & { provider?: string; withCredentials?: boolean; lang?: string }): unknown;
  getUserProfile?(options: WxCallbacks<WxUserData> & { desc: string; lang?: string }): unknown;
  request(options: WxRequestOptions): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

/** The `wx` the SDK speaks, over `uni`. Only the user-data calls `uni` has are offered. */
export function wxFromUni(uni: UniLike): WxLike {
  if (!uni || typeof uni.login !== 'function' || typeof uni.request !== 'function') throw new TypeError('uni must provide login and request');
  const wx: WxLike = {
    login: (o) => void uni.login({ provider: 'weixin', ...o }),
    request: (o) => uni.request(o),
    getStorageSync: (key) => uni.getStorageSync(key),
    setStorageSync: (key, value) => uni.setStorageSync(key, value),
    removeStorageSync: (key) => uni.removeStorageSync(key),
  };
  const { getUserInfo, getUserProfile } = uni;
  if (typeof getUserInfo === 'function') wx.getUserInfo = (o) => void getUserInfo.call(uni, { provider: 'weixin', withCredentials: true, ...o });
  if (typeof getUserProfile === 'function') wx.getUserProfile = (o) => void getUserProfile.call(uni, o);
  return wx;
}

export type UniClientOptions = Omit<MiniProgramClientOptions, 'wx'> & { uni: UniLike };

/**
 * The mini program SDK over `uni`: the same flows, errors and session as `createMiniProgramClient`.
 * @example
 *   import { createUniClient } from 'weunion/client/uni';
 *   const client = createUniClient({ baseUrl: 'https://id.example.com', appid: 'wx123', uni });
 *   const { userId, unionid } = await client.login();
 */
export function createUniClient(options: UniClientOptions): MiniProgramClient {
  const { uni, ...rest } = options;
  return createMiniProgramClient({ ...rest, wx: wxFromUni(uni) });
}

export type { ClientRequestOptions, LoginStrategy, MiniProgramClient, MiniProgramClientOptions } from '../mini-program-client.js';
export type { LoginResult } from '../login-flows.js';
export type { StoredSession } from '../session-store.js';
export { WeUnionClientError, isWeUnionClientError, type ClientErrorCode } from '../errors.js';
