/** The doctor's clock check: this machine against WeChat's `Date` header (wechat/api/server-clock.ts). */
import { SKEW_WARN_SECONDS } from './app-callback-findings.js';
import { DOCS, type Finding } from './finding.js';

/** `skew`: our clock minus WeChat's, seconds; null when WeChat sent no Date; an Error when it could not be asked. */
export function clockFinding(skew: number | null | Error): Finding {
  const subject = 'clock';
  if (skew instanceof Error || skew === null) {
    return {
      id: 'clock.unchecked',
      level: 'info',
      subject,
      en: `The clock could not be compared with WeChat’s (${skew instanceof Error ? skew.message : 'no Date header'}).`,
      zh: `无法与微信服务器的时钟比对（${skew instanceof Error ? skew.message : '无 Date 头'}）。`,
      doc: DOCS.callback,
    };
  }
  if (Math.abs(skew) > SKEW_WARN_SECONDS) {
    return {
      id: 'clock.skew',
      level: 'warn',
      subject,
      en: `This machine’s clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} WeChat’s: callbacks fall outside their timestamp window and token expiry is misjudged. Sync it (NTP).`,
      zh: `本机时钟比微信服务器${skew > 0 ? '快' : '慢'} ${Math.abs(skew)} 秒：回调时间戳会超出允许范围，token 过期时间也会误判。请校准（NTP）。`,
      doc: DOCS.callback,
    };
  }
  return {
    id: 'clock.ok',
    level: 'ok',
    subject,
    en: `The clock agrees with WeChat’s (${skew} s).`,
    zh: `本机时钟与微信一致（${skew} 秒）。`,
    doc: DOCS.callback,
  };
}
