/**
 * Whether code2Session discloses a unionid. Since 2021-02-23 a bound mini program always gets it
 * ("小程序登录、用户信息相关接口调整说明", https://developers.weixin.qq.com/community/develop/doc/000cacfa20ce88df04cb468bc52801);
 * before that only when the person followed a same-account official account or had authorised a same-account
 * official account / app / website. An unbound app never gets one.
 */
import type { EmulatorApp } from './emulator-app.js';
import type { UnionidRule } from './options.js';
import type { Person } from './persons.js';

const OAUTH_KINDS: ReadonlySet<EmulatorApp['kind']> = new Set(['officialAccount', 'mobile', 'website']);

/** True when code2Session for `app` should carry the person's unionid under `rule`. */
export function disclosesUnionid(rule: UnionidRule, app: EmulatorApp, person: Person, apps: readonly EmulatorApp[]): boolean {
  if (app.openAppid === null) return false;
  if (rule === 'current') return true;
  const siblings = apps.filter((a) => a.openAppid === app.openAppid);
  return siblings.some((a) => (a.kind === 'officialAccount' && person.follows.has(a.appid)) || (OAUTH_KINDS.has(a.kind) && person.authorized.has(a.appid)));
}
