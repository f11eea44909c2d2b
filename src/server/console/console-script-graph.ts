/**
 * The console script's identity graph (browser JavaScript, as text): one SVG — the user on the left, an edge to
 * each app identity (one node per openid, labelled with its app), and from an identity to the union identity its
 * unionid is (dashed nodes on the right; a union identity no app identity carries hangs from the user). The
 * picture of "why are these one person": the unionid WeChat gave each app's openid.
 */

export const CONSOLE_SCRIPT_GRAPH = `
function shortId(id) {
  return id.length > 22 ? id.slice(0, 10) + '…' + id.slice(-8) : id;
}

function graphNode(kind, x, y, w, lines, title) {
  const g = el('svg:g', { class: 'node node-' + kind }, [el('svg:title', { text: title })]);
  if (kind === 'user') g.append(el('svg:circle', { cx: x, cy: y, r: 22 }));
  else g.append(el('svg:rect', { x, y: y - 20, width: w, height: 40, rx: 6 }));
  lines.forEach((line, i) => {
    const tx = kind === 'user' ? x : x + 8;
    const ty = kind === 'user' ? y + 38 + i * 14 : y - 4 + i * 15;
    g.append(el('svg:text', { x: tx, y: ty, 'text-anchor': kind === 'user' ? 'middle' : 'start', text: line }));
  });
  return g;
}

function renderGraph(v) {
  const ids = [];
  for (const a of v.apps) for (const i of a.identities) ids.push({ app: a, identity: i });
  const rows = Math.max(1, ids.length, v.unions.length);
  const height = Math.max(110, rows * 52 + 20);
  const userY = height / 2;
  const svg = el('svg:svg', {
    viewBox: '0 0 720 ' + height,
    width: 720,
    height,
    role: 'img',
    'aria-label': t('graphName', { id: v.userId, apps: ids.length, unions: v.unions.length }),
  });
  const edges = el('svg:g', { class: 'edges' });
  const nodes = el('svg:g', { class: 'nodes' });
  svg.append(edges, nodes);
  const rowY = (i, n) => (height - n * 52) / 2 + 26 + i * 52;
  const unionY = new Map();
  v.unions.forEach((u, i) => {
    const y = rowY(i, v.unions.length);
    unionY.set(u.unionKey + ' ' + u.unionid, { y, linked: false });
    const label = u.unionKey + (u.confirmed ? '' : ' (' + t('claim') + ')');
    nodes.append(graphNode('union', 540, y, 170, [label, shortId(u.unionid)], u.unionKey + ': ' + u.unionid));
  });
  ids.forEach(({ app, identity }, i) => {
    const y = rowY(i, ids.length);
    edges.append(el('svg:line', { class: 'edge', x1: 92, y1: userY, x2: 200, y2: y }));
    const u = identity.unionid && unionY.get(app.union + ' ' + identity.unionid);
    if (u) {
      u.linked = true;
      edges.append(el('svg:line', { class: 'edge edge-unionid', x1: 440, y1: y, x2: 540, y2: u.y }));
    }
    const label = (app.name || app.appid) + ' · ' + (app.kind || '');
    nodes.append(graphNode('identity', 200, y, 240, [label, shortId(identity.openid)], app.appid + ' / ' + identity.openid));
  });
  for (const u of unionY.values()) if (!u.linked) edges.append(el('svg:line', { class: 'edge', x1: 92, y1: userY, x2: 540, y2: u.y }));
  nodes.append(graphNode('user', 70, userY, 0, [shortId(v.userId)], v.userId));
  return svg;
}
`;
