/**
 * The test website's one page, using the bundled web SDK as a site would: a button starts the scan-to-follow QR
 * login and shows the QR code, another starts the official-account OAuth login; the page shows each status and,
 * once logged in, the user id. It counts its event streams, long polls and refreshes so the test can tell which road it took.
 */
import { build } from 'esbuild';

/** The web SDK's entry bundled as one ES module, as a site's bundler would ship it. */
export async function bundleWebSdk(): Promise<string> {
  const out = await build({ entryPoints: ['src/client/web/index.ts'], bundle: true, format: 'esm', target: 'es2020', write: false, logLevel: 'silent' });
  return out.outputFiles[0]!.text;
}

/** `transport: 'poll'` gives the SDK no EventSource, as on a browser without one. */
export function testPage(oaAppid: string, transport: 'sse' | 'poll'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>weunion web SDK</title>
<style>body{font:16px system-ui,sans-serif;margin:2rem}img{display:block;margin:1rem 0;border:1px solid #ccc}</style></head>
<body>
<h1>Example site: log in with WeChat</h1>
<button id="qr">Scan to log in</button> <button id="oauth">Log in inside WeChat (OAuth)</button>
<p>Status: <output id="status">idle</output></p>
<img id="qrimg" alt="QR code" width="180" height="180">
<p>User: <output id="user"></output></p>
<p>Error: <output id="error"></output></p>
<script type="module">
import { createWebClient } from '/weunion-web.js';
window.streams = 0;
window.polls = 0;
window.statuses = [];
window.refreshes = 0;
class CountingEventSource extends EventSource {
  constructor(url, init) { super(url, init); window.streams++; }
}
const countingFetch = (url, init) => {
  if (url.includes('wait=')) window.polls++;
  if (url.endsWith('/v1/session/refresh')) window.refreshes++;
  return fetch(url, init);
};
const client = createWebClient({ fetch: countingFetch, EventSource: ${transport === 'poll' ? 'null' : 'CountingEventSource'} });
window.client = client; // the refresh tests drive request() / refresh() / logout() from page.evaluate
const $ = (id) => document.getElementById(id);
const show = (session) => { $('user').textContent = session.userId; $('status').textContent = 'logged in'; };
const fail = (e) => { $('error').textContent = e.code || String(e); };
$('qr').onclick = () => client.loginWithQr(${JSON.stringify(oaAppid)}, {
  onStart: (start) => { $('qrimg').src = start.qrUrl; $('qrimg').dataset.ticket = start.ticket; },
  onStatus: (state) => { window.statuses.push(state.status); $('status').textContent = state.status; },
}).then(show, fail);
$('oauth').onclick = () => client.startOAuthLogin({ appid: ${JSON.stringify(oaAppid)}, scope: 'userinfo', redirect: location.origin + '/' });
client.completeOAuthLogin().then((session) => { if (session) { history.replaceState(null, '', '/'); show(session); } }, fail);
</script>
</body></html>`;
}
