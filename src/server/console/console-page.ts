/**
 * The admin console's HTML (`GET /admin`): a static shell with no data in it — the script (console-script.ts) signs
 * in, fetches the admin API and fills the page with textContent only. Static words carry `data-i18n` (their text),
 * `data-i18n-title` (their title) keys from console-strings.ts; the English ones are here so the page reads
 * before the script runs. The asset URLs are relative (`admin/console.js` from `/admin`), so a host that mounts
 * weunion under a prefix (`weunion/fastify`) serves a working console at `<prefix>/admin`.
 */

export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>weunion admin</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="admin/console.css">
<script src="admin/console.js" defer></script>
</head>
<body>
<header class="bar">
  <h1 data-i18n="title">weunion admin</h1>
  <span id="scope" class="muted"></span>
  <button type="button" id="lang" lang="zh-CN" data-i18n="langToggle" data-i18n-title="langToggleName" title="Switch to Chinese">中文</button>
  <button type="button" id="signout" data-i18n="signOut" hidden>Sign out</button>
</header>
<main>
  <section id="signin" aria-labelledby="signin-h">
    <h2 id="signin-h" data-i18n="signIn">Sign in</h2>
    <form id="signin-form" novalidate>
      <label for="key" data-i18n="keyLabel">Admin key</label>
      <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" aria-describedby="key-hint">
      <button type="submit" id="signin-button" data-i18n="signIn">Sign in</button>
      <p id="key-hint" class="muted" data-i18n="keyHint">Kept in this tab only (sessionStorage), sent as a Bearer token.</p>
      <p id="signin-error" class="error" role="alert"></p>
    </form>
  </section>
  <div id="console" hidden>
    <section id="dashboard" aria-labelledby="dashboard-h">
      <h2 id="dashboard-h"><span data-i18n="dashboard">Dashboard</span>
        <button type="button" id="refresh" data-i18n="refresh">Refresh</button></h2>
      <dl id="user-counts" class="figures"></dl>
      <h3 id="coverage-h" data-i18n="coverage">Unionid coverage per app</h3>
      <table id="coverage" aria-labelledby="coverage-h"><thead><tr>
        <th scope="col" data-i18n="app">App</th><th scope="col" data-i18n="kind">Kind</th><th scope="col" data-i18n="union">Union</th>
        <th scope="col" data-i18n="identities">Identities</th><th scope="col" data-i18n="withUnionid">With unionid</th><th scope="col" data-i18n="share">Coverage</th>
      </tr></thead><tbody></tbody></table>
      <h3 data-i18n="mergesPerDay">Merges per day (UTC, 14 days)</h3>
      <div id="merges"></div>
      <h3 data-i18n="jobs">Jobs and deliveries</h3>
      <dl id="jobs" class="figures"></dl>
    </section>
    <section id="search" aria-labelledby="search-h">
      <h2 id="search-h" data-i18n="search">Find a user</h2>
      <form id="search-form" role="search" novalidate>
        <label for="q" data-i18n="searchLabel">Any id: user id, openid, unionid or phone number</label>
        <input id="q" name="q" type="search" maxlength="128" spellcheck="false">
        <button type="submit" data-i18n="searchButton">Search</button>
      </form>
      <p id="search-error" class="error" role="alert"></p>
      <ul id="matches"></ul>
    </section>
    <section id="user" aria-labelledby="user-h" hidden>
      <h2 id="user-h"></h2>
      <p id="user-notice" class="notice" role="status"></p>
      <dl id="user-facts" class="facts"></dl>
      <h3 data-i18n="graph">Identity graph</h3>
      <div id="graph"></div>
      <h3 data-i18n="appIdentities">Identities per app</h3>
      <ul id="apps" class="rows"></ul>
      <h3 data-i18n="unionIdentities">Union identities</h3>
      <ul id="unions" class="rows"></ul>
      <h3 data-i18n="actions">Actions</h3>
      <p class="actions">
        <button type="button" id="merge" data-i18n="merge">Merge another user into this one</button>
        <button type="button" id="revoke" data-i18n="revoke">Sign this person out everywhere</button>
        <button type="button" id="erase" class="danger" data-i18n="erase">Erase this person</button>
      </p>
      <h3 data-i18n="timeline">Timeline</h3>
      <ol id="timeline" class="timeline"></ol>
    </section>
  </div>
</main>
<dialog id="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-text">
  <form id="confirm-form" novalidate>
    <h2 id="confirm-title"></h2>
    <p id="confirm-text"></p>
    <p id="extra-field" hidden>
      <label for="extra" data-i18n="loserLabel">The user id to merge in</label>
      <input id="extra" name="extra" maxlength="128" spellcheck="false">
    </p>
    <label for="reason" data-i18n="reasonLabel">Reason (kept in the event)</label>
    <textarea id="reason" name="reason" maxlength="500" rows="3"></textarea>
    <p id="confirm-error" class="error" role="alert"></p>
    <p class="actions">
      <button type="button" id="confirm-cancel" data-i18n="cancel">Cancel</button>
      <button type="submit" id="confirm-ok" data-i18n="confirm">Confirm</button>
    </p>
  </form>
</dialog>
</body>
</html>
`;
