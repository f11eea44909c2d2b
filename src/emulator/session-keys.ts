/**
 * One current session_key per (person, mini program): WeChat keeps exactly one valid key per user and app
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey). A rotated
 * key replaces the old one, which stops working at once.
 */
import type { IdMinter } from './ids.js';

const key = (personId: string, appid: string): string => `${personId}\n${appid}`;

export class SessionKeys {
  readonly #ids: IdMinter;
  readonly #keys = new Map<string, string>();

  constructor(ids: IdMinter) {
    this.#ids = ids;
  }

  current(personId: string, appid: string): string | undefined {
    return this.#keys.get(key(personId, appid));
  }

  /** What wx.login does: create the key if none exists; rotate it if `rotate` (the old key dies). */
  onLogin(personId: string, appid: string, rotate: boolean): string {
    const existing = this.current(personId, appid);
    return existing !== undefined && !rotate ? existing : this.rotate(personId, appid);
  }

  /** Replace the key (resetusersessionkey, or WeChat rotating it behind the app's back). */
  rotate(personId: string, appid: string): string {
    const fresh = this.#ids.sessionKey();
    this.#keys.set(key(personId, appid), fresh);
    return fresh;
  }

  clear(): void {
    this.#keys.clear();
  }
}
