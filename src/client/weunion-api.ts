/** The weunion endpoints of the mini program SDK (login, unionid, session refresh and logout), over wx.request, with the server's errors mapped to WeUnionClientError. */
import { CLIENT_ERROR_CODES, WeUnionClientError } from './errors.js';
import { wxRequest } from './wx-calls.js';
import type { WxLike, WxUserData } from './wx-like.js';

/** The server's answer to `POST /v1/mp/:appid/login` and `POST /v1/mp/:appid/unionid`. */
export interface LoginResponse {
  userId: string;
  openid: string;
  unionid: string | null;
  /** WeChat's own word stands behind `unionid` (false for a decrypted claim nobody confirmed yet; absent from older servers). */
  unionidConfirmed?: boolean;
  isNewUser: boolean;
  token: string;
  /** Seconds. */
  expiresIn: number;
  /** Opaque, single use: `POST /v1/session/refresh` trades it for a new session (absent from older servers). */
  refreshToken?: string;
  /** Seconds the refresh token lives. */
  refreshExpiresIn?: number;
}

/** The user data fields the server accepts (the rest of `WxUserData`, e.g. `userInfo`, stays on the device). */
export type SealedUserData = Pick<WxUserData, 'encryptedData' | 'iv' | 'rawData' | 'signature'>;

export interface WeUnionApi {
  login(code: string, data?: SealedUserData): Promise<LoginResponse>;
  unionid(token: string, data: SealedUserData): Promise<LoginResponse>;
  /** `POST /v1/session/refresh`: the session's new tokens, for the live user (a merge's survivor). */
  refresh(refreshToken: string): Promise<LoginResponse>;
  /** `POST /v1/session/logout`: revokes the session at the server. */
  logout(refreshToken: string): Promise<void>;
}

export function createWeUnionApi(wx: WxLike, baseUrl: string, appid: string): WeUnionApi {
  const root = baseUrl.replace(/\/+$/, '');
  const base = `${root}/v1/mp/${encodeURIComponent(appid)}`;

  async function send(url: string, body: Record<string, unknown>, token?: string): Promise<{ statusCode: number; data: unknown }> {
    const header: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) header.authorization = `Bearer ${token}`;
    const res = await wxRequest(wx, { url, method: 'POST', data: body, header });
    if (res.statusCode < 200 || res.statusCode >= 300) throw errorFromResponse(res.statusCode, res.data);
    return res;
  }

  async function post(url: string, body: Record<string, unknown>, token?: string): Promise<LoginResponse> {
    const res = await send(url, body, token);
    if (!isLoginResponse(res.data)) {
      throw new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, {
        status: res.statusCode,
        message: `unexpected answer from ${url}`,
      });
    }
    return { ...res.data, isNewUser: res.data.isNewUser === true };
  }

  return {
    login(code, data) {
      return post(`${base}/login`, { code, ...(data ? pickSealed(data) : {}) });
    },
    unionid(token, data) {
      return post(`${base}/unionid`, pickSealed(data), token);
    },
    refresh(refreshToken) {
      return post(`${root}/v1/session/refresh`, { refreshToken });
    },
    async logout(refreshToken) {
      await send(`${root}/v1/session/logout`, { refreshToken });
    },
  };
}

/** Only the four fields the contract names; userInfo is profile data the server does not need. */
function pickSealed(d: SealedUserData): Record<string, string> {
  const out: Record<string, string> = { encryptedData: d.encryptedData, iv: d.iv };
  if (typeof d.rawData === 'string') out.rawData = d.rawData;
  if (typeof d.signature === 'string') out.signature = d.signature;
  return out;
}

/** `{ error: { code, message, wechat? } }` → WeUnionClientError; anything else → ERR_CLIENT_BAD_RESPONSE. */
export function errorFromResponse(status: number, data: unknown): WeUnionClientError {
  const err = (data as { error?: unknown } | null)?.error as
    | { code?: unknown; message?: unknown; wechat?: { errcode?: unknown; errmsg?: unknown } }
    | undefined;
  if (err && typeof err.code === 'string') {
    const wechat = err.wechat && typeof err.wechat.errcode === 'number' ? { errcode: err.wechat.errcode, errmsg: String(err.wechat.errmsg ?? '') } : undefined;
    return new WeUnionClientError(err.code, {
      status,
      ...(typeof err.message === 'string' ? { message: err.message } : {}),
      ...(wechat ? { wechat } : {}),
    });
  }
  return new WeUnionClientError(CLIENT_ERROR_CODES.BAD_RESPONSE, {
    status,
    message: `HTTP ${status} without an error body`,
  });
}

/** The login answer's required fields (a refresh answer has the same shape). */
export function isLoginResponse(v: unknown): v is LoginResponse {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.userId === 'string' &&
    typeof r.openid === 'string' &&
    (typeof r.unionid === 'string' || r.unionid === null) &&
    typeof r.token === 'string' &&
    typeof r.expiresIn === 'number' &&
    (r.refreshToken === undefined || typeof r.refreshToken === 'string')
  );
}
