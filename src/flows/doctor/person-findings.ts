/**
 * `weunion doctor <any id>`: why one person has — or lacks — a unionid, from what weunion holds of them (the
 * admin view: identities per app, union identities, follow state, held claims, the timeline). For every app
 * identity without a unionid it says which road was taken (logins seen, the follow state WeChat last reported)
 * and what would give the unionid: log in again now that the app is bound, follow, authorise, or bind the app.
 */
import type { AppConfig, Config } from '../../config/schema.js';
import type { AdminAppView, AdminIdentityView, AdminUserView } from '../admin/admin-user-view.js';
import { DOCS, type Finding, when } from './finding.js';

export function personFindings(config: Pick<Config, 'apps'>, view: AdminUserView): Finding[] {
  const subject = view.userId;
  const out: Finding[] = [];
  if (view.mergedFrom) {
    out.push({
      id: 'person.merged',
      level: 'info',
      subject,
      en: `${view.mergedFrom} was merged into ${view.userId}: the same person, found when a unionid joined the two; that id keeps resolving here.`,
      zh: `${view.mergedFrom} 已合并到 ${view.userId}：unionid 证明二者为同一人；旧 id 仍解析到这里。`,
      doc: DOCS.doctor,
    });
  }
  if (view.status === 'erased') {
    out.push({
      id: 'person.erased',
      level: 'info',
      subject,
      en: 'This person was erased: nothing is left to explain.',
      zh: '该用户已被删除，没有可诊断的数据。',
      doc: DOCS.doctor,
    });
    return out;
  }
  for (const u of view.unions) {
    out.push(
      u.confirmed
        ? {
            id: 'person.unionid-known',
            level: 'ok',
            subject,
            en: `Has the unionid ${u.unionid} in union "${u.unionKey}".`,
            zh: `在 union "${u.unionKey}" 中的 unionid 为 ${u.unionid}。`,
            doc: DOCS.unionid,
          }
        : {
            id: 'person.unionid-claimed',
            level: 'info',
            subject,
            en: `Holds the unionid ${u.unionid} in union "${u.unionKey}" as a decrypted claim: it is theirs as long as nobody else’s login shows WeChat’s own word for it.`,
            zh: `在 union "${u.unionKey}" 中的 unionid ${u.unionid} 来自解密（未经微信直接确认）。`,
            doc: DOCS.trust,
          },
    );
  }
  for (const app of view.apps) {
    const cfg = config.apps.find((a) => a.appid === app.appid);
    for (const id of app.identities) if (id.unionid === null) out.push(missingFinding(subject, app, cfg, id));
  }
  // Apps of the person's unions they never used: each is a road that would give the unionid too.
  const unions = new Set([...view.unions.map((u) => u.unionKey), ...view.apps.map((a) => a.union).filter((u): u is string => u !== null)]);
  const used = new Set(view.apps.map((a) => a.appid));
  const unused = config.apps.filter((a) => a.union !== null && unions.has(a.union) && !used.has(a.appid));
  if (unused.length > 0 && out.some((f) => f.id.startsWith('person.no-unionid'))) {
    const list = unused.map((a) => `${a.appid} (${a.kind})`).join(', ');
    out.push({
      id: 'person.other-roads',
      level: 'info',
      subject,
      en: `Never seen in ${list}: a login there, or following the official account, gives the unionid and merges this person’s users.`,
      zh: `从未在 ${list} 中出现：在这些应用登录或关注公众号，即可获得 unionid 并合并该用户。`,
      doc: DOCS.unionid,
    });
  }
  if (out.length === 0) out.push({ id: 'person.nothing', level: 'info', subject, en: 'No identity to explain.', zh: '没有可诊断的身份。', doc: DOCS.doctor });
  return out;
}

function missingFinding(subject: string, app: AdminAppView, cfg: AppConfig | undefined, id: AdminIdentityView): Finding {
  const seen = `openid ${id.openid} in ${app.appid} (${app.kind ?? 'no longer configured'}), seen ${when(id.firstSeenAt)} … ${when(id.lastSeenAt)}`;
  const seenZh = `${app.appid}（${app.kind ?? '已不在配置中'}）中的 openid ${id.openid}，出现于 ${when(id.firstSeenAt)} … ${when(id.lastSeenAt)}`;
  const base = { level: 'warn' as const, subject };
  if (!cfg || cfg.union === null) {
    return {
      ...base,
      id: 'person.no-unionid-unbound',
      en: `No unionid for ${seen}: the app is not bound to a union, so WeChat gives none. Bind it, set "union", run \`weunion apps bind\`.`,
      zh: `${seenZh} 没有 unionid：应用未绑定 union，微信不会返回。请绑定并设置 "union"，再运行 \`weunion apps bind\`。`,
      doc: DOCS.unionid,
    };
  }
  if (id.pendingUnionid) {
    return {
      ...base,
      id: 'person.no-unionid-held',
      en: `No unionid for ${seen}: a decrypted unionid (${id.pendingUnionid}) is held aside because another user owns it, and a decrypted claim is not WeChat’s word. The next login through code2Session — or a follow — settles it.`,
      zh: `${seenZh} 没有 unionid：解密得到的 unionid（${id.pendingUnionid}）已属于其他用户，因解密结果并非微信直接答复而暂缓。下次通过 code2Session 登录或关注公众号即可确认。`,
      doc: DOCS.trust,
    };
  }
  switch (cfg.kind) {
    case 'officialAccount':
      return id.subscribed === false
        ? {
            ...base,
            id: 'person.no-unionid-not-following',
            en: `No unionid for ${seen}: WeChat last said they do not follow the account, and user/info gives no unionid for non-followers (since December 2017). Following, or a web authorisation on the account, gives it.`,
            zh: `${seenZh} 没有 unionid：微信最近一次显示其未关注公众号，而自 2017 年 12 月起 user/info 不返回未关注者的 unionid。关注或公众号网页授权即可获得。`,
            doc: DOCS.oaUserInfo,
          }
        : {
            ...base,
            id: 'person.no-unionid-follower',
            en: `No unionid for ${seen}${id.subscribed === true ? ', a follower' : ''}: the account was probably bound after WeChat last told us about them. \`weunion backfill followers --app ${cfg.appid}\` asks again.`,
            zh: `${seenZh}${id.subscribed === true ? '（已关注）' : ''}没有 unionid：很可能是在公众号绑定开放平台之前记录的。运行 \`weunion backfill followers --app ${cfg.appid}\` 重新获取。`,
            doc: DOCS.oaUserInfo,
          };
    case 'miniprogram':
      return {
        ...base,
        id: 'person.no-unionid-login',
        en: `No unionid for ${seen}: code2Session gave none at these logins (before the binding, or under the old rule that needed a follow or an authorisation). The next login gives it${id.hasSessionKey ? '; the decrypt road (POST /v1/mp/unionid) works now while the stored session_key is fresh' : ''}.`,
        zh: `${seenZh} 没有 unionid：这些登录时 code2Session 未返回（绑定之前，或旧规则需关注/授权）。下次登录即可获得${id.hasSessionKey ? '；session_key 有效期内也可走解密途径（POST /v1/mp/unionid）' : ''}。`,
        doc: DOCS.code2session2021,
      };
    default:
      return {
        ...base,
        id: 'person.no-unionid-login',
        en: `No unionid for ${seen}: the login was before the app was bound. The next login gives it.`,
        zh: `${seenZh} 没有 unionid：登录发生在应用绑定之前。下次登录即可获得。`,
        doc: cfg.kind === 'website' ? DOCS.websiteLogin : DOCS.mobileLogin,
      };
  }
}
