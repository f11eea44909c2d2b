/** Promise wrappers around the callback-style wx APIs, mapping their failures to WeUnionClientError. */
import { CLIENT_ERROR_CODES, WeUnionClientError } from './errors.js';
import type { WxError, WxLike, WxRequestOptions, WxRequestResult, WxUserData } from './wx-like.js';

/** Which wx API yields the encrypted user data. */
export type UserInfoApi = 'getUserInfo' | 'getUserProfile';

function wxError(api: string, err: WxError | undefined): WeUnionClientError {
  const errMsg = err?.errMsg ?? `${api}:fail`;
  return new WeUnionClientError(CLIENT_ERROR_CODES.WX, { message: errMsg });
}

/** wx.login → a fresh code (single use, valid 5 minutes). */
export function wxLogin(wx: WxLike): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success(res) {
        if (typeof res?.code === 'string' && res.code !== '') resolve(res.code);
        else reject(wxError('login', { errMsg: res?.errMsg ?? 'login:fail no code' }));
      },
      fail(err) {
        reject(wxError('login', err));
      },
    });
  });
}

/**
 * The user's refusal. The real messages are `getUserInfo:fail auth deny` / `... auth denied` and,
 * when the scope was refused earlier, `getUserInfo:fail scope unauthorized`.
 */
const REFUSAL = /auth den(y|ied)|scope unauthori[sz]ed/i;

/** Default `desc` for wx.getUserProfile, which requires one (shown in the consent sheet). */
export const DEFAULT_PROFILE_DESC = 'Link your WeChat account';

/**
 * Asks wx for the encrypted user data; resolves `null` when the user refuses, rejects ERR_CLIENT_WX on
 * any other failure.
 */
export function wxGetUserData(wx: WxLike, api: UserInfoApi, profileDesc: string): Promise<WxUserData | null> {
  return new Promise((resolve, reject) => {
    const callbacks = {
      success(res: WxUserData) {
        if (typeof res?.encryptedData === 'string' && typeof res.iv === 'string') resolve(res);
        else reject(wxError(api, { errMsg: `${api}:fail no encryptedData` }));
      },
      fail(err: WxError) {
        if (REFUSAL.test(err?.errMsg ?? '')) resolve(null);
        else reject(wxError(api, err));
      },
    };
    if (api === 'getUserProfile') wx.getUserProfile!({ desc: profileDesc, ...callbacks });
    else wx.getUserInfo!({ withCredentials: true, ...callbacks });
  });
}

/** wx.request → `{ statusCode, data }`; a transport failure rejects ERR_CLIENT_NETWORK. */
export function wxRequest(wx: WxLike, options: Omit<WxRequestOptions, 'success' | 'fail' | 'complete'>): Promise<{ statusCode: number; data: unknown }> {
  return new Promise((resolve, reject) => {
    wx.request({
      ...options,
      success(res: WxRequestResult) {
        resolve({ statusCode: res.statusCode, data: parseMaybeJson(res.data) });
      },
      fail(err) {
        reject(new WeUnionClientError(CLIENT_ERROR_CODES.NETWORK, { message: err?.errMsg ?? 'request:fail' }));
      },
    });
  });
}

/** wx parses JSON only when the answer says it is JSON; be lenient with a string body. */
function parseMaybeJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
