/**
 * `weunion/client/taro`: the mini program SDK inside a Taro app built for WeChat (weapp). Taro's APIs are wx's,
 * promise-based (https://docs.taro.zone/docs/apis/open-api/login/, …/apis/network/request/): `Taro.login()` resolves
 * `{ code }`, `Taro.getUserInfo` / `Taro.getUserProfile` the sealed data, and each rejects with `{ errMsg }`.
 * `Taro.request` resolves for every HTTP status on weapp, as wx does; Taro's H5 build rejects non-2xx with the fetch
 * Response instead (NervJS/taro#4679), which the adapter turns back into `{ statusCode, data }` so the SDK's error
 * handling (401 → one silent re-login) sees the status either way.
 */
import { createMiniProgramClient, type MiniProgramClient, type MiniProgramClientOptions } from '../mini-program-client.js';
import type { WxCallbacks, WxError, WxLike, WxLoginResult, WxRequestOptions, WxRequestResult, WxUserData } from '../wx-like.js';

type TaroRequest = Pick<WxRequestOptions, 'url' | 'method' | 'data' | 'header'>;

/** The slice of `Taro` (from `@tarojs/taro`) the SDK uses, promise form. */
export interface TaroLike {
  login(options?: { timeout?: number }): PromiseLike<WxLoginResult>;
  getUserInfo?(options: { withCredentials?: boolean; lang?: string }): PromiseLike<WxUserData>;
  getUserProfile?(options: { desc: string; lang?: string }): PromiseLike<WxUserData>;
  request(options: TaroRequest): PromiseLike<WxRequestResult>;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

function toWxError(api: string, e: unknown): WxError {
  const errMsg = (e as { errMsg?: unknown } | null)?.errMsg;
  return { errMsg: typeof errMsg === 'string' ? errMsg : `${api}:fail ${e instanceof Error ? e.message : String(e)}` };
}

/** Settles wx-style callbacks from a promise (the SDK's wx calls all pass success and fail). */
function settle<T>(api: string, cb: WxCallbacks<T>, work: () => PromiseLike<T>): void {
  Promise.resolve()
    .then(work)
    .then(
      (res) => cb.success?.(res),
      (e: unknown) => cb.fail?.(toWxError(api, e)),
    )
    .then(() => cb.complete?.());
}

/** An H5 rejection carrying an HTTP answer (a fetch Response) → the answer; anything else stays a failure. */
async function answerFromRejection(e: unknown): Promise<WxRequestResult> {
  const r = e as { status?: unknown; text?: unknown } | null;
  if (typeof r?.status !== 'number' || r.status === 0 || typeof r.text !== 'function') throw e;
  return { statusCode: r.status, data: await (r.text as () => Promise<string>).call(r) };
}

/** The `wx` the SDK speaks, over `Taro`. Only the user-data calls `Taro` has are offered. */
export function wxFromTaro(taro: TaroLike): WxLike {
  if (!taro || typeof taro.login !== 'function' || typeof taro.request !== 'function') throw new TypeError('Taro must provide login and request');
  const wx: WxLike = {
    login: ({ success, fail, complete, ...o }) => settle('login', { success, fail, complete }, () => taro.login(o)),
    request: ({ success, fail, complete, ...o }) =>
      settle('request', { success, fail, complete }, () => Promise.resolve(taro.request(o)).catch(answerFromRejection)),
    getStorageSync: (key) => taro.getStorageSync(key),
    setStorageSync: (key, value) => taro.setStorageSync(key, value),
    removeStorageSync: (key) => taro.removeStorageSync(key),
  };
  const { getUserInfo, getUserProfile } = taro;
  if (typeof getUserInfo === 'function') {
    wx.getUserInfo = ({ success, fail, complete, ...o }) =>
      settle('getUserInfo', { success, fail, complete }, () => getUserInfo.call(taro, { withCredentials: true, ...o }));
  }
  if (typeof getUserProfile === 'function') {
    wx.getUserProfile = ({ success, fail, complete, ...o }) => settle('getUserProfile', { success, fail, complete }, () => getUserProfile.call(taro, o));
  }
  return wx;
}

export type TaroClientOptions = Omit<MiniProgramClientOptions, 'wx'> & { taro: TaroLike };

/**
 * The mini program SDK over `Taro`: the same flows, errors and session as `createMiniProgramClient`.
 * @example
 *   import Taro from '@tarojs/taro';
 *   import { createTaroClient } from 'weunion/client/taro';
 *   const client = createTaroClient({ baseUrl: 'https://id.example.com', appid: 'wx123', taro: Taro });
 */
export function createTaroClient(options: TaroClientOptions): MiniProgramClient {
  const { taro, ...rest } = options;
  return createMiniProgramClient({ ...rest, wx: wxFromTaro(taro) });
}

export type { ClientRequestOptions, LoginStrategy, MiniProgramClient, MiniProgramClientOptions } from '../mini-program-client.js';
export type { LoginResult } from '../login-flows.js';
export type { StoredSession } from '../session-store.js';
export { WeUnionClientError, isWeUnionClientError, type ClientErrorCode } from '../errors.js';
