/**
 * The console script's dashboard (browser JavaScript, as text): GET /v1/admin/stats drawn as figures (users by
 * state), a table of unionid coverage per app, an SVG bar chart of merges per UTC day, and the job queue by status.
 * A key limited to one union gets null for what it may not see: shown as "—" and said why.
 */

export const CONSOLE_SCRIPT_DASHBOARD = `
function figure(name, key, value) {
  return el('div', { 'data-figure': name }, [el('dt', { text: key }), el('dd', { text: value })]);
}

function mergesChart(days) {
  const total = days.reduce((n, d) => n + d.merges, 0);
  const max = Math.max(1, ...days.map((d) => d.merges));
  const w = 30, h = 90;
  const svg = el('svg:svg', { viewBox: '0 0 ' + days.length * w + ' ' + (h + 20), width: days.length * w, height: h + 20, role: 'img', 'aria-label': t('mergesTotal', { count: total }) });
  days.forEach((d, i) => {
    const bar = Math.round((d.merges / max) * (h - 14));
    const g = el('svg:g', { class: 'bar', 'data-day': d.day, 'data-merges': d.merges }, [el('svg:title', { text: d.day + ': ' + d.merges })]);
    g.append(el('svg:rect', { class: 'bar-rect', x: i * w + 4, y: h - bar, width: w - 8, height: bar }));
    if (d.merges > 0) g.append(el('svg:text', { x: i * w + w / 2, y: h - bar - 3, 'text-anchor': 'middle', text: d.merges }));
    g.append(el('svg:text', { class: 'axis', x: i * w + w / 2, y: h + 14, 'text-anchor': 'middle', text: d.day.slice(8) }));
    svg.append(g);
  });
  return svg;
}

function renderStats() {
  const s = state.stats;
  if (!s) return;
  $('scope').textContent = s.union ? t('unionLimited', { union: s.union }) : '';
  clear($('user-counts')).append(
    figure('live', t('usersLive'), fmtNum(s.users.live)),
    figure('merged', t('usersMerged'), fmtNum(s.users.merged)),
    figure('erased', t('usersErased'), fmtNum(s.users.erased)),
  );
  const rows = clear($('coverage').tBodies[0]);
  for (const a of s.apps) {
    const share = a.coverage === null ? t('none') : (a.coverage * 100).toFixed(1) + '%';
    rows.append(
      el('tr', { 'data-appid': a.appid }, [
        el('td', {}, [el('code', { text: a.appid })]),
        el('td', { text: a.kind }),
        el('td', { text: a.union === null ? t('none') : a.union }),
        el('td', { class: 'num', text: fmtNum(a.identities) }),
        el('td', { class: 'num', text: fmtNum(a.withUnionid) }),
        el('td', { class: 'num', text: share }),
      ]),
    );
  }
  clear($('merges')).append(mergesChart(s.mergesPerDay));
  const jobs = clear($('jobs'));
  if (s.jobs === null) jobs.append(figure('hidden', t('none'), t('jobsHidden')));
  else if (Object.keys(s.jobs).length === 0) jobs.append(figure('none', t('jobs'), t('noJobs')));
  else for (const [status, n] of Object.entries(s.jobs)) jobs.append(figure(status, status, fmtNum(n)));
}

async function loadStats() {
  state.stats = await api('GET', 'v1/admin/stats');
  renderStats();
}
`;
