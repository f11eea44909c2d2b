/**
 * Parameterised QR codes of an official account (docs/wechat-api.md §6.6): scanning one follows the account (a
 * `subscribe` push with EventKey `qrscene_<scene>`) or, for a follower, sends a `SCAN` push with the scene.
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html
 */
import { z } from 'zod';
import type { WeChatHttp } from './request.js';
import { requireString } from './require.js';

export const QRCODE_CREATE_PATH = '/cgi-bin/qrcode/create';
/** On `mp.weixin.qq.com`: the QR image for a ticket. */
export const SHOW_QRCODE_PATH = '/cgi-bin/showqrcode';

/** The longest life of a temporary QR code: 30 days. */
export const TEMP_QRCODE_MAX_SECONDS = 2_592_000;

export interface TempQrCode {
  /** Identifies the code; comes back in the scan push as `Ticket`. Not a secret, but unguessable. */
  ticket: string;
  expireSeconds: number;
  /** What the QR code encodes (`http://weixin.qq.com/q/…`): render it yourself, or show `imageUrl`. */
  url: string;
  /** `showqrcode?ticket=…` on `mpBaseUrl`: the QR image. */
  imageUrl: string;
}

const schema = z.object({
  ticket: z.string().min(1),
  expire_seconds: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  url: z.string().min(1),
});

/**
 * The image URL of a QR ticket: `<mpBaseUrl>/cgi-bin/showqrcode?ticket=<urlencoded ticket>`.
 * @example
 *   showQrCodeUrl('https://mp.weixin.qq.com', ticket);
 */
export function showQrCodeUrl(mpBaseUrl: string, ticket: string): string {
  requireString('showQrCodeUrl', 'mpBaseUrl', mpBaseUrl);
  requireString('showQrCodeUrl', 'ticket', ticket);
  const url = new URL(`${mpBaseUrl.replace(/\/+$/, '')}${SHOW_QRCODE_PATH}`);
  url.searchParams.set('ticket', ticket);
  return url.href;
}

/**
 * POST /cgi-bin/qrcode/create with `QR_STR_SCENE` (temporary, string scene of 1–64 characters, 1 s – 30 days).
 * Transport failures are retried: a code minted by a lost answer is simply never shown (it costs one of 100,000 a day).
 * @example
 *   const qr = await tokens.withToken(appid, (accessToken) =>
 *     createTempQrCode(http, { accessToken, sceneStr: 'login_x1', expireSeconds: 300, mpBaseUrl }));
 */
export async function createTempQrCode(
  http: WeChatHttp,
  input: { accessToken: string; sceneStr: string; expireSeconds: number; mpBaseUrl: string },
): Promise<TempQrCode> {
  requireString('createTempQrCode', 'accessToken', input.accessToken);
  requireString('createTempQrCode', 'sceneStr', input.sceneStr);
  if (input.sceneStr.length > 64) throw new TypeError('createTempQrCode: sceneStr must be at most 64 characters');
  const { expireSeconds } = input;
  if (!Number.isInteger(expireSeconds) || expireSeconds < 1 || expireSeconds > TEMP_QRCODE_MAX_SECONDS) {
    throw new TypeError(`createTempQrCode: expireSeconds must be an integer in 1..${TEMP_QRCODE_MAX_SECONDS}`);
  }
  requireString('createTempQrCode', 'mpBaseUrl', input.mpBaseUrl);
  const r = await http.request({
    method: 'POST',
    path: QRCODE_CREATE_PATH,
    query: { access_token: input.accessToken },
    // The `scene` wrapper matters: without it WeChat silently uses scene 0 (docs/wechat-api.md §6.6).
    body: { expire_seconds: expireSeconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: input.sceneStr } } },
    schema,
    retryTransport: true,
  });
  return { ticket: r.ticket, expireSeconds: r.expire_seconds ?? expireSeconds, url: r.url, imageUrl: showQrCodeUrl(input.mpBaseUrl, r.ticket) };
}
