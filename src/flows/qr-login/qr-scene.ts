/**
 * Scene strings of scan-to-follow login QR codes: `wl_<random>`. A person who does not follow the account yet gets a
 * `subscribe` event with EventKey `qrscene_wl_…`; a follower gets `SCAN` with EventKey `wl_…`.
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html
 */
import type { OaMessage } from '../../wechat/callback/oa-message.js';

/** The prefix that marks a login scene among the account's other QR codes. */
export const QR_LOGIN_SCENE_PREFIX = 'wl_';
const SCENE = /^wl_[A-Za-z0-9_-]{16,60}$/;

/** A fresh login scene (96 random bits; `scene_str` allows 1–64 characters). */
export function newQrLoginScene(random: (size: number) => Buffer): string {
  return `${QR_LOGIN_SCENE_PREFIX}${random(12).toString('base64url')}`;
}

/** The login scene a `subscribe`/`SCAN` event carries, or undefined for any other push or QR code. */
export function qrSceneOf(m: OaMessage): string | undefined {
  if (m.msgType !== 'event' || !('event' in m) || !('eventKey' in m) || typeof m.eventKey !== 'string') return undefined;
  const key = m.event === 'subscribe' ? (m.eventKey.startsWith('qrscene_') ? m.eventKey.slice(8) : undefined) : m.event === 'SCAN' ? m.eventKey : undefined;
  return key !== undefined && SCENE.test(key) ? key : undefined;
}
