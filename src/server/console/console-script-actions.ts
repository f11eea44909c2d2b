/**
 * The console script's actions and wiring (browser JavaScript, as text): sign in (the key is tried on
 * GET /v1/admin/stats before it is kept), search, the language switch, and unlink / merge / erase / revoke through
 * one `<dialog>` that asks for the reason the admin API records in the event. A refusal (a read-only key's 403, an
 * invariant's 409) is shown in the dialog with its code, and nothing is changed.
 */

export const CONSOLE_SCRIPT_ACTIONS = `
/** Runs fn, showing a failure in target (a role=alert element): no error is left unhandled. */
async function run(target, fn) {
  try {
    target.textContent = '';
    await fn();
  } catch (e) {
    target.textContent = errorText(e);
  }
}

let pending = null;

function ask(opts) {
  pending = opts;
  $('confirm-title').textContent = opts.title;
  $('confirm-text').textContent = opts.text;
  $('extra-field').hidden = !opts.extra;
  $('extra').value = '';
  $('reason').value = '';
  $('confirm-error').textContent = '';
  $('confirm-ok').classList.toggle('danger', Boolean(opts.danger));
  $('confirm').showModal();
  (opts.extra ? $('extra') : $('reason')).focus();
}

async function confirmed(event) {
  event.preventDefault();
  const reason = $('reason').value.trim();
  const extra = $('extra').value.trim();
  if (!pending || (pending.extra && !extra)) return void ($('confirm-error').textContent = t('loserLabel'));
  if (!reason) return void ($('confirm-error').textContent = t('reasonMissing'));
  const ok = $('confirm-ok');
  ok.disabled = true;
  ok.textContent = t('working');
  try {
    await pending.act(reason, extra);
    $('confirm').close();
    pending = null;
    await loadStats().catch(() => {});
  } catch (e) {
    $('confirm-error').textContent = errorText(e);
  } finally {
    ok.disabled = false;
    ok.textContent = t('confirm');
  }
}

function askUnlink(appid, openid) {
  ask({
    title: t('unlinkTitle', { appid, openid }),
    text: t('unlinkText'),
    act: async (reason) => {
      const r = await api('POST', 'v1/admin/identities/unlink', { appid, openid, reason });
      await showUser(r.fromUserId, { text: t('unlinked', { id: r.userId }), userId: r.userId });
    },
  });
}

function userAction(name, path, done) {
  const id = state.user.userId;
  ask({
    title: t(name + 'Title', { id }),
    text: t(name + 'Text'),
    danger: name === 'erase',
    extra: name === 'merge',
    act: async (reason, loserId) => {
      const body = name === 'merge' ? { survivorId: id, loserId, reason } : { reason };
      const r = await api('POST', path, body);
      await showUser(r.userId || id, { text: done(r, loserId) });
    },
  });
}

async function signIn(key) {
  state.key = key;
  try {
    await loadStats();
  } catch (e) {
    state.key = null;
    sessionStorage.removeItem(KEY_STORE);
    $('signin-error').textContent = e.status === 401 ? t('keyRefused') + ' (' + e.code + ')' : errorText(e);
    return;
  }
  sessionStorage.setItem(KEY_STORE, key);
  $('key').value = '';
  $('signin').hidden = true;
  $('console').hidden = false;
  $('signout').hidden = false;
  $('q').focus();
}

function signOut() {
  sessionStorage.removeItem(KEY_STORE);
  Object.assign(state, { key: null, stats: null, user: null, notice: null });
  $('console').hidden = true;
  $('user').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
  clear($('matches'));
  $('key').focus();
}

function wire() {
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('key').value.trim();
    $('signin-error').textContent = key ? '' : t('keyMissing');
    if (key) signIn(key);
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (q) run($('search-error'), () => search(q));
  });
  $('refresh').addEventListener('click', () => run($('search-error'), loadStats));
  $('signout').addEventListener('click', signOut);
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    sessionStorage.setItem(LANG_STORE, state.lang);
    applyLang();
    renderStats();
    renderUser();
  });
  $('confirm-form').addEventListener('submit', confirmed);
  $('confirm-form').addEventListener('input', () => ($('confirm-error').textContent = ''));
  $('confirm-cancel').addEventListener('click', () => $('confirm').close());
  $('merge').addEventListener('click', () => userAction('merge', 'v1/admin/users/merge', (r, loser) => t('merged', { loser, id: r.userId })));
  $('erase').addEventListener('click', () => userAction('erase', 'v1/admin/users/' + encodeURIComponent(state.user.userId) + '/erase', (r) => t('erased', { id: r.userId })));
  $('revoke').addEventListener('click', () => userAction('revoke', 'v1/admin/users/' + encodeURIComponent(state.user.userId) + '/revoke-sessions', (r) => t('revoked', { count: r.revoked })));
}

applyLang();
wire();
if (state.key) signIn(state.key);
`;
