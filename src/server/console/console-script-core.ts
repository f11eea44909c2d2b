/**
 * The console script's base (browser JavaScript, as text: console-script.ts assembles and serves it): the words in
 * the chosen language, element building without innerHTML (every value from the API goes in as textContent or an
 * attribute), and the admin API call with the key kept in sessionStorage only (gone when the tab closes; never in
 * localStorage, a cookie or the URL). API paths are relative to the script's own URL, so a prefix a host mounted
 * weunion under is kept. Written without template literals: this file is one.
 */

export const CONSOLE_SCRIPT_CORE = String.raw`
const KEY_STORE = 'weunion-admin-key';
const LANG_STORE = 'weunion-admin-lang';
// '<prefix>/admin/console.js' → '<prefix>/': the API's base.
const BASE = new URL('..', (document.currentScript && document.currentScript.src) || new URL('admin/', location.href).href);

function pickLang() {
  const kept = sessionStorage.getItem(LANG_STORE);
  if (kept === 'en' || kept === 'zh') return kept;
  return /^zh/i.test(navigator.language || '') ? 'zh' : 'en';
}

const state = { lang: pickLang(), key: sessionStorage.getItem(KEY_STORE), stats: null, user: null };

function t(name, vars) {
  let s = STRINGS[state.lang][name] || STRINGS.en[name] || name;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

function $(id) {
  return document.getElementById(id);
}

/** el('li', { class: 'x', text: 'y', 'aria-label': 'z' }, [children]); 'svg:g' makes an SVG element. */
function el(tag, attrs, children) {
  const node = tag.startsWith('svg:') ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children || []) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function clear(node) {
  node.replaceChildren();
  return node;
}

function locale() {
  return state.lang === 'zh' ? 'zh-CN' : 'en-GB';
}

function fmtTime(ms) {
  return ms === null || ms === undefined ? t('none') : new Date(ms).toLocaleString(locale(), { hour12: false });
}

function fmtNum(n) {
  return n === null || n === undefined ? t('none') : Number(n).toLocaleString(locale());
}

function applyLang() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = t(n.getAttribute('data-i18n'));
  for (const n of document.querySelectorAll('[data-i18n-title]')) n.title = t(n.getAttribute('data-i18n-title'));
  $('lang').lang = state.lang === 'zh' ? 'en' : 'zh-CN';
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function errorText(e) {
  return e instanceof ApiError ? e.message + ' (' + e.code + ')' : String((e && e.message) || e);
}

/** The admin API: JSON in and out; an answer that is not 2xx throws ApiError with weunion's stable code. */
async function api(method, path, body) {
  const headers = { authorization: 'Bearer ' + state.key };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(new URL(path, BASE), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'ERR_NETWORK', t('networkError', { message: e.message }));
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {}
  if (!res.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(res.status, err.code || 'HTTP_' + res.status, err.message || res.statusText);
  }
  return data;
}
`;
