/**
 * The emulator page's script (`GET /__emulator/ui.js`): plain browser JavaScript, no build step, kept as text so it
 * ships inside `dist/`. It reads only the control API's GET routes (relative URLs: `apps` from `/__emulator/ui` is
 * `/__emulator/apps`), which are same-origin requests the control guard lets through, and writes values with
 * textContent only: a person's name or a push's callback URL can never become markup. The text has no backtick,
 * no `${` and no backslash, so it sits in a template string as is.
 */

export const UI_SCRIPT = `// weunion emulator state page (docs/emulator.md "The web page").
(() => {
'use strict';
const PUSHES_SHOWN = 50;
const byId = (id) => document.getElementById(id);

async function get(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error('GET ' + path + ': HTTP ' + res.status);
  return res.json();
}

/** Replaces the table's rows: one per item, each cell the text cells(item) gives; a note row when there is none. */
function fill(tableId, items, cells, emptyText) {
  const table = byId(tableId);
  const body = table.tBodies[0];
  const rows = items.map((item) => {
    const tr = document.createElement('tr');
    for (const text of cells(item)) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = table.tHead.rows[0].cells.length;
    td.className = 'empty';
    td.textContent = emptyText;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

const list = (values) => (values.length === 0 ? '—' : values.join(', '));

function personCells(p) {
  const flags = [p.riskBlocked ? 'risk-blocked' : '', p.declinesUserInfo ? 'declines user info' : ''].filter(Boolean);
  const openids = Object.entries(p.openids).map(([appid, openid]) => appid + ': ' + openid);
  return [p.id, p.name, p.phoneNumber, list(p.follows), list(p.authorized), list(flags), list(openids)];
}

function pushOutcome(p) {
  if (!p.done) return 'in flight';
  if (p.answered) return 'answered';
  const last = p.attempts[p.attempts.length - 1];
  return 'failed' + (last && last.error ? ': ' + last.error : '');
}

async function load() {
  const [apps, persons, pushes, stats, clock] = await Promise.all([get('apps'), get('persons'), get('pushes'), get('stats'), get('clock')]);
  byId('clock').textContent = 'Virtual time ' + new Date(clock.now).toISOString();
  fill('apps', apps, (a) => [a.appid, a.kind, a.openAppid ?? 'unbound'], 'No apps.');
  fill('persons', persons, personCells, 'No persons yet: POST /__emulator/persons.');
  const recent = pushes.slice(-PUSHES_SHOWN).reverse();
  fill('pushes', recent, (p) => [p.id, p.kind, p.appid, p.person, String(p.attempts.length), pushOutcome(p), p.callbackUrl], 'No pushes yet.');
  const calls = Object.entries(stats.calls).sort((x, y) => y[1] - x[1]);
  fill('calls', calls, ([path, n]) => [path, String(n)], 'No WeChat API calls yet.');
}

async function refresh() {
  const error = byId('error');
  try {
    await load();
    error.textContent = '';
  } catch (e) {
    error.textContent = 'Could not read the control API: ' + (e instanceof Error ? e.message : String(e));
  }
}

byId('refresh').addEventListener('click', refresh);
refresh();
})();
`;
