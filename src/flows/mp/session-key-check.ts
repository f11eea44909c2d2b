/**
 * "Is this session_key still the person's current one?" (`wxa/checksession`), asked when encryptedData does not
 * open, remembered for a minute per (app, openid, key). Without the memory every junk body sent to the decrypt
 * road cost an upstream call — an amplifier against the app's quota, and a timing signal (one failure path called
 * WeChat, the other did not). A stale answer is harmless: the worst case is one wx.login more, or one "tampered" too
 * many within the minute after a rotation.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey
 */
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import type { MiniProgramGateway } from '../ports.js';

export interface SessionKeyCheck {
  isCurrent(app: AppConfig, openid: string, sessionKey: string): Promise<boolean>;
}

export function createSessionKeyCheck(deps: {
  wechat: Pick<MiniProgramGateway, 'isSessionKeyCurrent'>;
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
}): SessionKeyCheck {
  const ttlMs = deps.ttlMs ?? 60_000;
  const maxEntries = deps.maxEntries ?? 10_000;
  const answers = new Map<string, { current: Promise<boolean>; until: number }>();
  return Object.freeze({
    isCurrent(app: AppConfig, openid: string, sessionKey: string) {
      const now = deps.clock.now();
      const key = `${app.appid}\u0000${openid}\u0000${sessionKey}`;
      const known = answers.get(key);
      if (known && known.until > now) return known.current;
      if (answers.size >= maxEntries) for (const [k, v] of answers) if (v.until <= now || answers.size >= maxEntries) answers.delete(k);
      const current = deps.wechat.isSessionKeyCurrent(app, openid, sessionKey);
      answers.set(key, { current, until: now + ttlMs });
      current.catch(() => answers.delete(key)); // a failed check is not remembered
      return current;
    },
  });
}
