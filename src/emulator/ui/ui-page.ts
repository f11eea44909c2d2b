/**
 * The emulator's state page (`GET /__emulator/ui`, docs/emulator.md "The web page"): a static shell with no data in
 * it. Its script (ui-script.ts) reads the control API's GET routes and fills the tables with textContent only. The
 * asset URLs are relative (`ui.js` from `/__emulator/ui`), so the page works wherever the emulator is reached.
 */

export const UI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>weunion emulator</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="ui.css">
<script src="ui.js" defer></script>
</head>
<body>
<header class="bar">
  <h1>weunion emulator</h1>
  <span id="clock" class="muted" aria-live="polite"></span>
  <button type="button" id="refresh">Refresh</button>
</header>
<main>
  <p id="error" class="error" role="alert"></p>
  <section aria-labelledby="apps-h">
    <h2 id="apps-h">Apps</h2>
    <table id="apps" aria-labelledby="apps-h">
      <thead><tr><th scope="col">appid</th><th scope="col">kind</th><th scope="col">Open Platform account</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="persons-h">
    <h2 id="persons-h">Persons</h2>
    <table id="persons" aria-labelledby="persons-h">
      <thead><tr><th scope="col">id</th><th scope="col">name</th><th scope="col">phone</th><th scope="col">follows</th>
        <th scope="col">authorized</th><th scope="col">flags</th><th scope="col">openids</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="pushes-h">
    <h2 id="pushes-h">Recent pushes</h2>
    <table id="pushes" aria-labelledby="pushes-h">
      <thead><tr><th scope="col">id</th><th scope="col">kind</th><th scope="col">appid</th><th scope="col">person</th>
        <th scope="col">tries</th><th scope="col">outcome</th><th scope="col">callback</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="calls-h">
    <h2 id="calls-h">WeChat API calls</h2>
    <table id="calls" aria-labelledby="calls-h">
      <thead><tr><th scope="col">path</th><th scope="col">calls</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
</body>
</html>
`;
