/**
 * A `Taro` for tests, as `@tarojs/taro` behaves (https://docs.taro.zone/docs/apis/about/desc): every async call
 * returns a promise (resolving the `success` result, rejecting `{ errMsg }`) and also calls any `success`/`fail`/
 * `complete` it is given. `platform: 'weapp'` (default) resolves `Taro.request` for every HTTP status, as wx does;
 * `'h5'` rejects a non-2xx answer with the fetch Response, as Taro's H5 build does (NervJS/taro#4679). Built over any
 * `wx` (e.g. `createEmulatorWx`), so it reaches the emulator the same way.
 */
import type { TaroLike } from '../adapters/taro.js';
import type { WxCallbacks, WxError, WxLike, WxRequestResult } from '../wx-like.js';
import { createEmulatorWx, type EmulatorWxOptions } from './emulator-wx.js';

export type TaroPlatform = 'weapp' | 'h5';

type Call = (options: WxCallbacks<unknown> & Record<string, unknown>) => unknown;

/** One Taro API over one wx API: a promise, and the caller's callbacks too. */
function taroApi<T>(call: Call, shape: (res: unknown) => Promise<T> = (res) => Promise.resolve(res as T)) {
  return ({ success, fail, complete, ...options }: WxCallbacks<T> & Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      call({ ...options, success: (res: unknown) => shape(res).then(resolve, reject), fail: (err: WxError) => reject(err) });
    }).then(
      (res) => {
        success?.(res);
        complete?.();
        return res;
      },
      (err: unknown) => {
        fail?.(err as WxError);
        complete?.();
        throw err;
      },
    );
}

/** Wraps a `wx` as `Taro` on `platform`. */
export function taroFromWx(wx: WxLike, platform: TaroPlatform = 'weapp'): TaroLike {
  const h5Answer = async (res: unknown): Promise<WxRequestResult> => {
    const r = res as WxRequestResult;
    if (platform === 'weapp' || (r.statusCode >= 200 && r.statusCode < 300)) return r;
    throw new Response(typeof r.data === 'string' ? r.data : JSON.stringify(r.data), { status: r.statusCode });
  };
  const taro: TaroLike = {
    login: taroApi((o) => wx.login(o)),
    request: taroApi((o) => wx.request(o as unknown as Parameters<WxLike['request']>[0]), h5Answer),
    getStorageSync: (key) => wx.getStorageSync(key),
    setStorageSync: (key, value) => wx.setStorageSync(key, value),
    removeStorageSync: (key) => wx.removeStorageSync(key),
  };
  const { getUserInfo, getUserProfile } = wx;
  if (getUserInfo) taro.getUserInfo = taroApi((o) => getUserInfo.call(wx, o));
  if (getUserProfile) taro.getUserProfile = taroApi((o) => getUserProfile.call(wx, o as unknown as Parameters<typeof getUserProfile>[0]));
  return taro;
}

/** A `Taro` for one person inside one mini program of the emulator. */
export function createEmulatorTaro(options: EmulatorWxOptions & { platform?: TaroPlatform }): TaroLike & { readonly storage: Map<string, unknown> } {
  const wx = createEmulatorWx(options);
  return Object.assign(taroFromWx(wx, options.platform), { storage: wx.storage });
}
