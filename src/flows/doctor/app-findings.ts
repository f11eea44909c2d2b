/**
 * `weunion doctor` for one app: why its users have — or lack — a unionid. In order: is it bound to a union in the
 * config, and does WeChat agree (open/get); does its access_token come (appid, secret, IP whitelist); which rule
 * gives its users a unionid and how many have one; and, for an official account, how its callbacks go.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/union-id.html
 */
import type { AppConfig, Config } from '../../config/schema.js';
import { isAppError } from '../../errors.js';
import type { CallbackHealthRow, DataStore, HealthStore } from '../../store/port.js';
import { callbackFindings } from './app-callback-findings.js';
import { coverageFindings } from './app-coverage-findings.js';
import { DOCS, type Finding } from './finding.js';

/** What the doctor asks WeChat (absent with --offline). Throws the typed errors of src/wechat/api. */
export interface WeChatProbe {
  /** Fetches (or reuses) the app's access_token; resolves when one came. */
  token(appid: string): Promise<void>;
  /** POST cgi-bin/open/get: the bound Open Platform appid, or null (89002). */
  openAccount(appid: string): Promise<string | null>;
}

export interface AppDoctorDeps {
  config: Pick<Config, 'unions'>;
  data: Pick<DataStore, 'countAppIdentities'>;
  health: Pick<HealthStore, 'getCallbackHealth'>;
  wechat: WeChatProbe | null;
}

export async function appFindings(deps: AppDoctorDeps, app: AppConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  const subject = app.appid;
  const union = app.union === null ? undefined : deps.config.unions.find((u) => u.id === app.union);
  if (app.union === null) {
    out.push({
      id: 'app.unbound',
      level: 'warn',
      subject,
      en: 'Not bound to a union in the config: WeChat gives this app’s users no unionid, each stays a user of this app alone. Bind the app to the Open Platform account (开放平台 → 管理中心), set "union" on it, then run `weunion apps bind`.',
      zh: '配置中未绑定 union：该应用的用户拿不到 unionid，只是本应用的用户。请在开放平台（管理中心）绑定该应用，在配置中设置 "union"，再运行 `weunion apps bind`。',
      doc: DOCS.unionid,
    });
  }
  const tokenOk = deps.wechat ? await tokenFindings(deps.wechat, app, out) : false;
  if (tokenOk && deps.wechat && (app.kind === 'miniprogram' || app.kind === 'officialAccount')) await bindingFindings(deps.wechat, app, union, out);
  out.push(...coverageFindings(app, await deps.data.countAppIdentities(app.appid)));
  if (app.kind === 'officialAccount') {
    const health: CallbackHealthRow | undefined = await deps.health.getCallbackHealth(app.appid);
    out.push(...callbackFindings(app, health));
  }
  return out;
}

async function tokenFindings(wechat: WeChatProbe, app: AppConfig, out: Finding[]): Promise<boolean> {
  try {
    await wechat.token(app.appid);
    out.push({ id: 'app.token-ok', level: 'ok', subject: app.appid, en: 'The access_token comes.', zh: 'access_token 获取正常。', doc: DOCS.accessToken });
    return true;
  } catch (e) {
    if (!isAppError(e)) throw e;
    const errcode = e.wechat?.errcode;
    const why: Record<number, [string, string]> = {
      40013: ['the appid is not valid', 'appid 无效'],
      40125: ['the AppSecret is wrong (reset in the console? update "secret")', 'AppSecret 错误（后台重置过？请更新 "secret"）'],
      40164: ['this server’s IP is not on the app’s IP whitelist', '本机 IP 不在该应用的 IP 白名单中'],
      40243: ['the AppSecret is frozen in the console', 'AppSecret 已在后台被冻结'],
      45009: ['the daily quota of this API is used up', '该接口今日调用次数已用完'],
    };
    const [en, zh] = errcode !== undefined && why[errcode] ? why[errcode] : [e.message, e.message];
    out.push({
      id: e.code === 'ERR_WECHAT_UNREACHABLE' || e.code === 'ERR_WECHAT_TIMEOUT' ? 'app.wechat-unreachable' : 'app.token-failed',
      level: 'error',
      subject: app.appid,
      en: `No access_token: ${en}${errcode !== undefined ? ` (errcode ${errcode})` : ` (${e.code})`}. Nothing this app asks WeChat for works until it comes.`,
      zh: `无法获取 access_token：${zh}${errcode !== undefined ? `（errcode ${errcode}）` : `（${e.code}）`}。在此之前该应用调用微信的一切接口都会失败。`,
      doc: DOCS.accessToken,
    });
    return false;
  }
}

async function bindingFindings(wechat: WeChatProbe, app: AppConfig, union: Config['unions'][number] | undefined, out: Finding[]): Promise<void> {
  const subject = app.appid;
  let openAppid: string | null;
  try {
    openAppid = await wechat.openAccount(app.appid);
  } catch (e) {
    if (!isAppError(e)) throw e;
    out.push({
      id: 'app.binding-unchecked',
      level: 'info',
      subject,
      en: `WeChat would not say which Open Platform account the app is bound to (${e.wechat ? `errcode ${e.wechat.errcode}` : e.code}; open/get is meant for third-party platforms): check it in the console.`,
      zh: `微信未告知该应用绑定的开放平台账号（${e.wechat ? `errcode ${e.wechat.errcode}` : e.code}；open/get 主要供第三方平台使用）：请在后台核对。`,
      doc: DOCS.openGet,
    });
    return;
  }
  if (app.union === null) {
    if (openAppid !== null)
      out.push({
        id: 'app.bound-not-configured',
        level: 'warn',
        subject,
        en: `WeChat says the app IS bound to the Open Platform account ${openAppid}: set "union" on it in the config and run \`weunion apps bind\`, so its users get their unionid and merge.`,
        zh: `微信显示该应用已绑定开放平台账号 ${openAppid}：请在配置中设置 "union" 并运行 \`weunion apps bind\`，让用户获得 unionid 并合并。`,
        doc: DOCS.openGet,
      });
    return;
  }
  if (openAppid === null) {
    out.push({
      id: 'app.binding-missing',
      level: 'error',
      subject,
      en: `The config binds the app to "${app.union}", but WeChat says it is bound to no Open Platform account (89002): until it is bound in the console, WeChat gives no unionid.`,
      zh: `配置把该应用归入 "${app.union}"，但微信显示它未绑定任何开放平台账号（89002）：在后台绑定之前，微信不会返回 unionid。`,
      doc: DOCS.openGet,
    });
  } else if (union?.openAppid && union.openAppid !== openAppid) {
    out.push({
      id: 'app.binding-other-account',
      level: 'error',
      subject,
      en: `WeChat says the app is bound to ${openAppid}, not to ${union.openAppid} (union "${union.id}"): its unionids are another account’s and never match this union’s users.`,
      zh: `微信显示该应用绑定的是 ${openAppid}，而不是 ${union.openAppid}（union "${union.id}"）：它的 unionid 属于另一个账号，永远对不上本 union 的用户。`,
      doc: DOCS.openGet,
    });
  } else {
    out.push({
      id: 'app.binding-ok',
      level: 'ok',
      subject,
      en: `Bound to the Open Platform account ${openAppid}${union?.openAppid ? '' : ` (set unions[].openAppid to "${openAppid}" to have it compared)`}.`,
      zh: `已绑定开放平台账号 ${openAppid}${union?.openAppid ? '' : `（在 unions[].openAppid 中填入 "${openAppid}" 以便核对）`}。`,
      doc: DOCS.openGet,
    });
  }
}
