/**
 * The emulator page's stylesheet (`GET /__emulator/ui.css`): a file because the page's CSP allows `style-src 'self'`
 * only — no inline style would apply. System fonts, nothing fetched.
 */

export const UI_STYLE = `:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #5b6570; --line: #d5dae0;
  --accent: #0b6bcb; --danger: #b3261e; --panel: #f5f7f9; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --bg: #15181c; --muted: #9aa4ae; --line: #343a42;
  --accent: #5aa9f0; --danger: #f28b82; --panel: #1e2227; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
.bar { display: flex; gap: .75rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
.bar h1 { font-size: 1.1rem; margin: 0; flex: 1; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
section { margin-bottom: 2rem; }
h2 { font-size: 1.25rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); }
td { overflow-wrap: break-word; word-break: break-word; }
td.empty { color: var(--muted); font-style: italic; }
.muted { color: var(--muted); }
.error { color: var(--danger); }
.error:empty { display: none; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--panel); color: var(--fg); cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
`;
