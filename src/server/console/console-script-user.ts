/**
 * The console script's search and user view (browser JavaScript, as text): GET /v1/admin/users/find lists who has
 * the id (one match is shown at once); GET /v1/admin/users/:id shows the person — facts, the identity graph,
 * identities per app (each with its unlink button), union identities and the timeline of the events.
 */

export const CONSOLE_SCRIPT_USER = `
function badge(status) {
  return el('span', { class: 'badge ' + status, text: status === 'live' ? t('live') : t('erasedStatus') });
}

async function search(q) {
  const out = clear($('matches'));
  $('search-error').textContent = '';
  const { matches } = await api('GET', 'v1/admin/users/find?id=' + encodeURIComponent(q));
  if (matches.length === 0) out.append(el('li', { text: t('noMatch') }));
  for (const m of matches) {
    const where = [m.appid, m.unionKey].filter(Boolean).join(' / ');
    out.append(
      el('li', {}, [
        el('button', { type: 'button', class: 'id', text: m.userId, 'aria-label': t('show', { id: m.userId }), onclick: () => run($('search-error'), () => showUser(m.userId)) }),
        ' ',
        badge(m.status),
        ' ' + t('matchedBy', { by: m.matchedBy }) + (where ? ' (' + where + ')' : ''),
        m.mergedFrom ? ' · ' + t('mergedFrom', { id: m.mergedFrom }) : '',
      ]),
    );
  }
  if (new Set(matches.map((m) => m.userId)).size === 1) await showUser(matches[0].userId);
}

async function showUser(id, notice) {
  state.user = await api('GET', 'v1/admin/users/' + encodeURIComponent(id));
  state.notice = notice || null;
  renderUser();
  $('user').hidden = false;
}

function fact(key, value) {
  return [el('dt', { text: key }), el('dd', {}, [value])];
}

function identityRow(app, i, erased) {
  const bits = [
    el('code', { text: app.appid }),
    el('span', { text: (app.kind || '') + (app.union ? ' · ' + app.union : '') }),
    el('span', {}, [t('openid') + ' ', el('code', { text: i.openid })]),
    el('span', {}, [t('unionid') + ' ', el('code', { text: i.unionid || t('none') })]),
    i.pendingUnionid ? el('span', { class: 'muted', text: t('pending', { unionid: i.pendingUnionid }) }) : null,
    i.subscribed ? el('span', { text: t('following') }) : null,
    i.hasSessionKey ? el('span', { class: 'muted', text: t('sessionKey') }) : null,
    el('span', { class: 'muted', text: t('lastSeen') + ' ' + fmtTime(i.lastSeenAt) }),
  ];
  const unlink = el('button', { type: 'button', class: 'unlink', text: t('unlink'), 'aria-label': t('unlinkName', { appid: app.appid, openid: i.openid }), disabled: erased, onclick: () => askUnlink(app.appid, i.openid) });
  return el('li', { 'data-appid': app.appid, 'data-openid': i.openid }, [...bits, unlink]);
}

function renderUser() {
  const v = state.user;
  if (!v) return;
  const erased = v.status === 'erased';
  clear($('user-h')).append(el('span', { text: t('user') + ' ' }), el('span', { class: 'id', text: v.userId }), ' ', badge(v.status));
  const notice = clear($('user-notice'));
  if (state.notice) notice.append(state.notice.text, ...(state.notice.userId ? [' ', el('button', { type: 'button', text: t('show', { id: state.notice.userId }), onclick: () => run(notice, () => showUser(state.notice.userId)) })] : []));
  clear($('user-facts')).append(
    ...(v.mergedFrom ? fact(t('aliases'), t('mergedFrom', { id: v.mergedFrom })) : []),
    ...fact(t('created'), fmtTime(v.createdAt)),
    ...fact(t('firstSeen'), fmtTime(v.firstSeenAt)),
    ...fact(t('lastSeen'), fmtTime(v.lastSeenAt)),
    ...fact(t('phone'), v.phone ? v.phone.phoneNumber : t('none')),
    ...fact(t('aliases'), v.aliases.length ? v.aliases.join(', ') : t('none')),
  );
  clear($('graph')).append(renderGraph(v));
  const apps = clear($('apps'));
  for (const a of v.apps) for (const i of a.identities) apps.append(identityRow(a, i, erased));
  if (apps.children.length === 0) apps.append(el('li', { class: 'muted', text: t('none') }));
  const unions = clear($('unions'));
  for (const u of v.unions) unions.append(el('li', {}, [el('span', { text: u.unionKey }), el('code', { text: u.unionid }), el('span', { class: 'muted', text: u.confirmed ? t('confirmed') : t('claim') })]));
  if (v.unions.length === 0) unions.append(el('li', { class: 'muted', text: t('none') }));
  const timeline = clear($('timeline'));
  for (const e of v.timeline) {
    const who = e.actor ? ' — ' + t('by', { actor: e.actor, reason: e.reason || '' }) : '';
    timeline.append(el('li', { 'data-type': e.type }, [el('time', { datetime: new Date(e.at).toISOString(), text: fmtTime(e.at) }), el('code', { text: e.type }), ' ' + e.summary + who]));
  }
  for (const id of ['merge', 'revoke', 'erase']) $(id).disabled = erased;
}
`;
