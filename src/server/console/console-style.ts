/**
 * The admin console's stylesheet (`GET /admin/console.css`): served as a file because the page's CSP allows
 * `style-src 'self'` only — no inline style attribute or element would apply. System fonts, nothing fetched.
 */

export const CONSOLE_STYLE = `:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #5b6570; --line: #d5dae0;
  --accent: #0b6bcb; --danger: #b3261e; --ok: #1a7f37; --panel: #f5f7f9; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --bg: #15181c; --muted: #9aa4ae; --line: #343a42;
  --accent: #5aa9f0; --danger: #f28b82; --ok: #6fcf8a; --panel: #1e2227; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
.bar { display: flex; gap: .75rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
.bar h1 { font-size: 1.1rem; margin: 0; flex: 1; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
section { margin-bottom: 2rem; }
h2 { font-size: 1.25rem; display: flex; gap: 1rem; align-items: center; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--panel); color: var(--fg); cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button.danger { color: var(--danger); border-color: var(--danger); }
button[type=submit] { background: var(--accent); color: #fff; border-color: var(--accent); }
input, textarea { font: inherit; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--bg); color: var(--fg); width: 100%; max-width: 32rem; }
form label { display: block; margin: .5rem 0 .25rem; font-weight: 600; }
form button { margin-top: .5rem; }
.muted { color: var(--muted); font-size: .9rem; }
.error { color: var(--danger); min-height: 1.2em; }
.notice { color: var(--ok); min-height: 1.2em; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; }
.figures div { background: var(--panel); border: 1px solid var(--line); border-radius: .4rem; padding: .5rem 1rem; min-width: 9rem; }
.figures dt { color: var(--muted); font-size: .85rem; }
.figures dd { margin: 0; font-size: 1.5rem; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
code, .id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; overflow-wrap: anywhere; }
.rows { list-style: none; padding: 0; margin: 0; }
.rows li { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .4rem 0; border-bottom: 1px solid var(--line); }
#matches { padding-left: 1.2rem; }
#matches li { margin: .3rem 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; border: 1px solid currentColor; }
.badge.live { color: var(--ok); }
.badge.erased { color: var(--danger); }
.timeline { padding-left: 1.2rem; }
.timeline li { margin: .3rem 0; }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
svg { max-width: 100%; height: auto; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg .edge { stroke: var(--line); stroke-width: 2; }
svg .node-user circle { fill: var(--accent); }
svg .node-identity rect { fill: var(--panel); stroke: var(--accent); }
svg .node-union rect { fill: var(--panel); stroke: var(--ok); stroke-dasharray: 4 2; }
svg .bar-rect { fill: var(--accent); }
svg .axis { fill: var(--muted); font-size: 10px; }
dialog { border: 1px solid var(--line); border-radius: .5rem; max-width: 34rem; width: 90vw; color: var(--fg); background: var(--bg); }
dialog::backdrop { background: rgb(0 0 0 / 40%); }
dialog h2 { margin-top: 0; overflow-wrap: anywhere; }
`;
