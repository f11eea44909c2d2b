/**
 * The appid/secret/grant_type checks shared by /sns/jscode2session and /cgi-bin/token: 41002 appid missing,
 * 41004 appsecret missing, 40002 invalid grant_type, 40013 invalid appid, 40125 invalid appsecret
 * (docs/wechat-api.md §1.1, §2.1; order among them is not documented).
 */
import type { EmulatorApp } from '../emulator-app.js';
import type { EmulatorState } from '../state.js';

export type CredentialCheck = { ok: true; app: EmulatorApp } | { ok: false; errcode: number };

export function checkAppCredentials(
  state: EmulatorState,
  params: { appid: string | undefined; secret: string | undefined; grantType: string | undefined },
  expectedGrantType: string,
): CredentialCheck {
  if (params.appid === undefined) return { ok: false, errcode: 41002 };
  if (params.secret === undefined) return { ok: false, errcode: 41004 };
  if (params.grantType !== expectedGrantType) return { ok: false, errcode: 40002 };
  const app = state.app(params.appid);
  if (app === undefined) return { ok: false, errcode: 40013 };
  if (app.secret !== params.secret) return { ok: false, errcode: 40125 };
  return { ok: true, app };
}
