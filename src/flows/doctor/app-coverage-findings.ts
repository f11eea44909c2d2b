/**
 * How many of an app's users have a unionid, and which rule decides it for this kind of app — so the operator
 * knows whether the missing ones wait for their next login (mini programs since 2021-02-23, websites, mobile
 * apps), for a follow (official accounts: WeChat stopped disclosing non-followers' unionid in user/info in
 * December 2017), or for a road weunion cannot take alone.
 * https://developers.weixin.qq.com/community/develop/doc/000cacfa20ce88df04cb468bc52801
 */
import type { AppConfig } from '../../config/schema.js';
import type { AppIdentityCounts } from '../../store/port.js';
import { DOCS, type Finding } from './finding.js';

const REMEDY: Record<AppConfig['kind'], { en: string; zh: string; doc: string }> = {
  miniprogram: {
    en: 'A bound mini program gets the unionid from code2Session at every login since 2021-02-23; these users last logged in before the binding (or under the old rule, which needed a follow or an authorisation): each gets it at the next login, which links and merges. The decrypt road (POST /v1/mp/unionid with encryptedData) works meanwhile while the session_key is fresh.',
    zh: '自 2021-02-23 起，已绑定的小程序每次登录 code2Session 都会返回 unionid；这些用户最近一次登录在绑定之前（或处于旧规则：需关注公众号或授权）：下次登录即可获得并合并。在 session_key 有效期内也可走解密途径（POST /v1/mp/unionid 携带 encryptedData）。',
    doc: DOCS.code2session2021,
  },
  officialAccount: {
    en: 'user/info and user/info/batchget give the unionid of followers only (a non-follower answers subscribe 0 without one, since December 2017): run `weunion backfill followers --app <appid>` for the followers; the others get it when they follow, or through web authorisation (snsapi_base/snsapi_userinfo) on the account.',
    zh: 'user/info 与 user/info/batchget 只返回已关注用户的 unionid（自 2017 年 12 月起，未关注者只返回 subscribe 0、不含 unionid）：对关注者运行 `weunion backfill followers --app <appid>`；其余用户在关注后或通过公众号网页授权（snsapi_base/snsapi_userinfo）获得。',
    doc: DOCS.oaUserInfo,
  },
  website: {
    en: 'A bound website app gets the unionid from sns/oauth2/access_token at every QR login: these users logged in before the binding and get it at their next login.',
    zh: '已绑定的网站应用每次扫码登录 sns/oauth2/access_token 都会返回 unionid：这些用户在绑定前登录过，下次登录即可获得。',
    doc: DOCS.websiteLogin,
  },
  mobile: {
    en: 'A bound mobile app gets the unionid from sns/oauth2/access_token at every login: these users logged in before the binding and get it at their next login.',
    zh: '已绑定的移动应用每次登录 sns/oauth2/access_token 都会返回 unionid：这些用户在绑定前登录过，下次登录即可获得。',
    doc: DOCS.mobileLogin,
  },
};

export function coverageFindings(app: AppConfig, counts: AppIdentityCounts): Finding[] {
  const subject = app.appid;
  const { total, withUnionid, pendingUnionid } = counts;
  if (total === 0) {
    return [
      { id: 'app.no-users', level: 'info', subject, en: 'No user has logged in through this app yet.', zh: '尚无用户通过该应用登录。', doc: DOCS.unionid },
    ];
  }
  if (app.union === null) {
    return [
      {
        id: 'app.users-openid-only',
        level: 'info',
        subject,
        en: `${total} users, known by openid alone (the app is not bound).`,
        zh: `${total} 个用户，仅以 openid 识别（应用未绑定）。`,
        doc: DOCS.unionid,
      },
    ];
  }
  const missing = total - withUnionid;
  const pct = ((withUnionid / total) * 100).toFixed(1);
  const out: Finding[] = [];
  if (missing === 0) {
    out.push({
      id: 'app.coverage-full',
      level: 'ok',
      subject,
      en: `All ${total} users have a unionid.`,
      zh: `全部 ${total} 个用户均有 unionid。`,
      doc: DOCS.unionid,
    });
  } else {
    const r = REMEDY[app.kind];
    out.push({
      id: 'app.users-without-unionid',
      level: 'warn',
      subject,
      en: `${missing} of ${total} users have no unionid (${pct} % have one). ${r.en}`,
      zh: `${total} 个用户中有 ${missing} 个没有 unionid（覆盖率 ${pct}%）。${r.zh}`,
      doc: r.doc,
    });
  }
  if (pendingUnionid > 0) {
    out.push({
      id: 'app.held-claims',
      level: 'warn',
      subject,
      en: `${pendingUnionid} users hold a decrypted unionid that another user owns: a claim from encryptedData is not WeChat’s own word, so it neither links nor merges until a road WeChat vouches for (code2Session, a follow, OAuth) confirms it — or set trustDecryptedUnionid on this app.`,
      zh: `${pendingUnionid} 个用户持有一个解密得到、但已属于其他用户的 unionid：encryptedData 的结果不是微信的直接答复，在 code2Session、关注或授权等途径确认之前不会关联或合并——或对该应用开启 trustDecryptedUnionid。`,
      doc: DOCS.trust,
    });
  }
  return out;
}
