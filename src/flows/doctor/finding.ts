/**
 * One thing `weunion doctor` found, said in English and in Chinese, with the WeChat page that explains it. `id` is
 * stable (scripts and docs/doctor.md key on it); `level` orders the report and decides the exit code (an `error`
 * makes it 1).
 */
export type FindingLevel = 'ok' | 'info' | 'warn' | 'error';

export interface Finding {
  id: string;
  level: FindingLevel;
  /** What it is about: an appid, a user id, or `clock`. */
  subject: string;
  en: string;
  zh: string;
  /** The WeChat (or weunion) document to read. */
  doc: string;
}

/** WeChat's pages each finding points at (docs/wechat-api.md has the sources). */
export const DOCS = {
  unionid: 'https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/union-id.html',
  code2session2021: 'https://developers.weixin.qq.com/community/develop/doc/000cacfa20ce88df04cb468bc52801',
  openGet: 'https://developers.weixin.qq.com/doc/oplatform/openApi/openplatform-management/api_getopenaccount.html',
  accessToken: 'https://developers.weixin.qq.com/doc/service/guide/dev/api',
  oaUserInfo: 'https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html',
  callback: 'https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html',
  callbackCrypto: 'https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.html',
  webOAuth: 'https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html',
  websiteLogin: 'https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Authorized_Interface_Calling_UnionID.html',
  mobileLogin: 'https://developers.weixin.qq.com/doc/oplatform/Mobile_App/WeChat_Login/Authorized_API_call_UnionID.html',
  trust: 'docs/design.md#whose-word-a-unionid-is',
  doctor: 'docs/doctor.md',
} as const;

const ORDER: Record<FindingLevel, number> = { error: 0, warn: 1, info: 2, ok: 3 };

/** Worst first, the order of finding within a level kept. */
export function byLevel(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ORDER[a.f.level] - ORDER[b.f.level] || a.i - b.i)
    .map(({ f }) => f);
}

/** A local time both languages read: `2026-12-04 13:05:09 UTC`. */
export function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
