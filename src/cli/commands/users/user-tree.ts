/** `weunion users show`: one person as a readable tree — user → identities per app → union identities → timeline. */
import type { AdminUserView } from '../../../flows/admin/admin-user-view.js';

const time = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));

export function userTree(v: AdminUserView): string {
  const lines: string[] = [];
  lines.push(`${v.userId}  ${v.status}${v.mergedFrom ? `  (asked for ${v.mergedFrom}, merged into it)` : ''}`);
  lines.push(
    `├─ created ${time(v.createdAt)}  first seen ${time(v.firstSeenAt)}  last seen ${time(v.lastSeenAt)}${v.erasedAt ? `  erased ${time(v.erasedAt)}` : ''}`,
  );
  lines.push(`├─ phone ${v.phone ? v.phone.phoneNumber : '—'}`);
  lines.push(`├─ apps (${v.apps.length})`);
  v.apps.forEach((app, i) => {
    const last = i === v.apps.length - 1;
    lines.push(`│  ${last ? '└─' : '├─'} ${app.appid} (${app.kind ?? 'not configured'}${app.union ? `, union ${app.union}` : ', no union'})`);
    for (const [j, id] of app.identities.entries()) {
      const bar = last ? '   ' : '│  ';
      const unionid = id.unionid ? `unionid ${id.unionid}` : id.pendingUnionid ? `unionid held: ${id.pendingUnionid}` : 'no unionid';
      const follow = id.subscribed === null ? '' : id.subscribed ? ', following' : ', not following';
      lines.push(`│  ${bar}${j === app.identities.length - 1 ? '└─' : '├─'} openid ${id.openid}, ${unionid}${follow}, last seen ${time(id.lastSeenAt)}`);
    }
  });
  lines.push(`├─ unions (${v.unions.length})`);
  v.unions.forEach((u, i) => {
    lines.push(`│  ${i === v.unions.length - 1 ? '└─' : '├─'} ${u.unionKey}: ${u.unionid}${u.confirmed ? '' : ' (unconfirmed claim)'}`);
  });
  lines.push(`├─ aliases ${v.aliases.length ? v.aliases.join(', ') : '—'}`);
  lines.push(`└─ timeline (${v.timeline.length})`);
  v.timeline.forEach((e, i) => {
    const by = e.actor ? `  [${e.actor}: ${e.reason ?? ''}]` : '';
    lines.push(`   ${i === v.timeline.length - 1 ? '└─' : '├─'} ${time(e.at)} ${e.type}  ${e.summary}${by}`);
  });
  return `${lines.join('\n')}\n`;
}
