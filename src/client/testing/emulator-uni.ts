/**
 * A `uni` for tests, as uni-app's documented API behaves inside mp-weixin: every async call takes wx's
 * `success`/`fail`/`complete`; called with none of them it returns a promise instead, shaped by the Vue version
 * (https://uniapp.dcloud.net.cn/api/#api-promise-化): Vue 2 resolves `[err, res]` (err `null` on success) and never
 * rejects, Vue 3 resolves `res` or rejects `err`. `uni.login` takes `provider` ('weixin' is the only one here).
 * Built over any `wx` (e.g. `createEmulatorWx`), so it reaches the emulator the same way.
 */
import type { UniLike } from '../adapters/uni.js';
import type { WxCallbacks, WxError, WxLike } from '../wx-like.js';
import { createEmulatorWx, type EmulatorWxOptions } from './emulator-wx.js';

export type UniPromiseStyle = 'vue2' | 'vue3';

/** `uni` with the promise forms typed, and the storage map of the `wx` under it when there is one. */
export interface FakeUni extends UniLike {
  login(options?: WxCallbacks<unknown> & { provider?: string }): Promise<unknown> | undefined;
  request(options: Parameters<WxLike['request']>[0]): unknown;
}

type Call = (options: WxCallbacks<unknown> & Record<string, unknown>) => unknown;

/** One uni API over one wx API: callbacks pass through; no callbacks → the promise of `style`. */
function uniApi(style: UniPromiseStyle, call: Call) {
  return (options: (WxCallbacks<unknown> & Record<string, unknown>) | undefined = {}) => {
    if (options.success || options.fail || options.complete) return call(options);
    return new Promise((resolve, reject) => {
      call({
        ...options,
        success: (res: unknown) => resolve(style === 'vue2' ? [null, res] : res),
        fail: (err: WxError) => (style === 'vue2' ? resolve([err, undefined]) : reject(err)),
      });
    });
  };
}

/** Wraps a `wx` as uni-app's `uni` (mp-weixin) with the promise form of `style`. */
export function uniFromWx(wx: WxLike, style: UniPromiseStyle): FakeUni {
  const login: Call = ({ provider, ...o }) => {
    if (provider !== undefined && provider !== 'weixin') {
      o.fail?.({ errMsg: `login:fail provider ${String(provider)} is not available` });
      return o.complete?.();
    }
    return wx.login(o);
  };
  const uni = {
    login: uniApi(style, login),
    request: uniApi(style, (o) => wx.request(o as unknown as Parameters<WxLike['request']>[0])),
    getStorageSync: (key: string) => wx.getStorageSync(key),
    setStorageSync: (key: string, value: unknown) => wx.setStorageSync(key, value),
    removeStorageSync: (key: string) => wx.removeStorageSync(key),
  } as unknown as FakeUni;
  const { getUserInfo, getUserProfile } = wx;
  if (getUserInfo) uni.getUserInfo = uniApi(style, ({ provider: _p, ...o }) => getUserInfo.call(wx, o)) as unknown as FakeUni['getUserInfo'];
  if (getUserProfile)
    uni.getUserProfile = uniApi(style, (o) =>
      getUserProfile.call(wx, o as unknown as Parameters<typeof getUserProfile>[0]),
    ) as unknown as FakeUni['getUserProfile'];
  return uni;
}

/** A `uni` for one person inside one mini program of the emulator. */
export function createEmulatorUni(options: EmulatorWxOptions & { promiseStyle?: UniPromiseStyle }): FakeUni & { readonly storage: Map<string, unknown> } {
  const wx = createEmulatorWx(options);
  return Object.assign(uniFromWx(wx, options.promiseStyle ?? 'vue3'), { storage: wx.storage });
}
