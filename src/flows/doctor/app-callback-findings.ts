/**
 * What an official account's callbacks last showed (flows/oa/callback-health.ts): none configured, none received,
 * refused (and why, in the operator's terms: which setting differs from the console), or fine; and the clock
 * difference their timestamps showed. WeChat retries a refused push three times, then drops it: every refused
 * follow is a follower whose unionid weunion never learns from that push.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
import type { AppConfig } from '../../config/schema.js';
import type { CallbackHealthRow } from '../../store/port.js';
import { DOCS, type Finding, when } from './finding.js';

/** Seconds of difference worth a warning: well inside the 300 s window, far above a network's delay. */
export const SKEW_WARN_SECONDS = 30;

const REFUSALS: Record<string, { en: string; zh: string; doc: string }> = {
  ERR_CALLBACK_SIGNATURE: {
    en: 'the signature did not match: the Token in the config differs from the one in the WeChat console (or someone else is posting to the URL)',
    zh: '签名不匹配：配置中的 Token 与公众平台后台填写的不一致（或有他人向该地址发请求）',
    doc: DOCS.callback,
  },
  ERR_CALLBACK_DECRYPT: {
    en: 'the message could not be decrypted: the EncodingAESKey in the config differs from the console’s (after a reset in the console, put the old one in previousEncodingAesKey)',
    zh: '消息无法解密：配置中的 EncodingAESKey 与后台的不一致（后台重置后，请把旧值放入 previousEncodingAesKey）',
    doc: DOCS.callbackCrypto,
  },
  ERR_CALLBACK_APPID: {
    en: 'the message was encrypted for another appid: the callback URL of another account points at this one',
    zh: '消息是为另一个 appid 加密的：另一个公众号的服务器地址指向了本账号的回调地址',
    doc: DOCS.callbackCrypto,
  },
  ERR_CALLBACK_MODE: {
    en: 'WeChat sent a plain push but the config expects encrypted ones: the message mode in the console (明文/兼容/安全) differs from callbackMode',
    zh: '微信发来明文消息，但配置要求加密：后台的消息加解密方式（明文/兼容/安全）与 callbackMode 不一致',
    doc: DOCS.callbackCrypto,
  },
  ERR_CALLBACK_TIMESTAMP: {
    en: 'the timestamp was outside the accepted window: this server’s clock is off (or the request was replayed)',
    zh: '时间戳超出允许范围：本机时钟不准（或请求被重放）',
    doc: DOCS.callback,
  },
  ERR_CALLBACK_RECIPIENT: {
    en: 'the push was addressed to another account: originalId in the config is not this account’s 原始 ID',
    zh: '消息的接收方是另一个账号：配置中的 originalId 不是本账号的原始 ID',
    doc: DOCS.callback,
  },
};

export function callbackFindings(app: AppConfig, health: CallbackHealthRow | undefined): Finding[] {
  const subject = app.appid;
  if (!app.token) {
    return [
      {
        id: 'app.callback-not-configured',
        level: 'warn',
        subject,
        en: 'No callback Token is configured: follows and unfollows never reach weunion, so the follower road to the unionid gives nothing until `weunion backfill followers` runs.',
        zh: '未配置回调 Token：关注/取关事件到不了 weunion，“关注”这条获取 unionid 的途径无效，只能靠 `weunion backfill followers`。',
        doc: DOCS.callback,
      },
    ];
  }
  if (!health) {
    return [
      {
        id: 'app.callback-never',
        level: 'info',
        subject,
        en: `No callback has reached weunion yet. Set the server URL in the console to …/v1/oa/${app.appid}/callback with this Token (WeChat checks it at once), then follow the account to see one.`,
        zh: `尚未收到任何回调。请在后台把服务器地址设为 …/v1/oa/${app.appid}/callback 并填写同一 Token（微信会立即校验），再关注一次公众号试试。`,
        doc: DOCS.callback,
      },
    ];
  }
  const out: Finding[] = [];
  const refusedLast = health.lastFailureAt !== null && (health.lastOkAt === null || health.lastFailureAt > health.lastOkAt);
  if (refusedLast && health.lastFailureCode) {
    const why = REFUSALS[health.lastFailureCode] ?? {
      en: `refused with ${health.lastFailureCode}`,
      zh: `被拒绝（${health.lastFailureCode}）`,
      doc: DOCS.callback,
    };
    out.push({
      id: 'app.callback-refused',
      level: 'error',
      subject,
      en: `The last callback (${when(health.lastFailureAt!)}) was refused, ${health.failuresSinceOk} since the last accepted one: ${why.en}.`,
      zh: `最近一次回调（${when(health.lastFailureAt!)}）被拒绝，自上次成功以来共 ${health.failuresSinceOk} 次：${why.zh}。`,
      doc: why.doc,
    });
  } else if (health.lastOkAt !== null) {
    out.push({
      id: 'app.callback-ok',
      level: 'ok',
      subject,
      en: `Callbacks are accepted (last at ${when(health.lastOkAt)}).`,
      zh: `回调正常（最近一次 ${when(health.lastOkAt)}）。`,
      doc: DOCS.callback,
    });
  }
  if (health.skewSeconds !== null && Math.abs(health.skewSeconds) > SKEW_WARN_SECONDS) {
    const s = health.skewSeconds;
    out.push({
      id: 'app.callback-clock-skew',
      level: 'warn',
      subject,
      en: `The last callback’s timestamp was ${Math.abs(s)} s ${s > 0 ? 'behind' : 'ahead of'} this server’s clock (as of ${when(health.updatedAt)}): fix the clock (NTP) before it leaves the accepted window.`,
      zh: `最近一次回调的时间戳比本机时钟${s > 0 ? '慢' : '快'} ${Math.abs(s)} 秒（${when(health.updatedAt)}）：请校准时钟（NTP），以免超出允许范围。`,
      doc: DOCS.callback,
    });
  }
  return out;
}
