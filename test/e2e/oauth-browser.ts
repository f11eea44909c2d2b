/**
 * A scripted browser for the OAuth e2e tests: follows weunion's redirects one hop at a time (`redirect: 'manual'`)
 * and lets the emulator's control API play the person on WeChat's consent page.
 */
import { expect } from 'vitest';
import type { Stack } from '../helpers/stack.js';

export type Decision = 'consent' | 'refuse' | 'snapshot';

/** The browser's cookies (weunion binds an OAuth state to the browser that started it). */
const jar = new Map<string, string>();

/** Forgets every cookie: the next hop is a different browser. */
export function newBrowser(): void {
  jar.clear();
}

function keepCookies(res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
    else jar.set(name, pair!.slice(eq + 1).trim());
  }
}

/** One GET without following redirects, with this browser's cookies. */
export async function hop(url: string): Promise<{ status: number; location: string | null; body: any; headers: Headers }> {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  keepCookies(res);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* an HTML or empty body */
  }
  return { status: res.status, location: res.headers.get('location'), body, headers: res.headers };
}

export interface ConsentRequest {
  url: URL;
  appid: string;
  redirectUri: string;
  scope: string;
  state: string;
}

/** GETs a weunion authorize path and returns the WeChat consent URL it redirected to, taken apart. */
export async function authorize(stack: Stack, pathAndQuery: string): Promise<ConsentRequest> {
  const r = await hop(stack.serverUrl + pathAndQuery);
  expect(r.status, JSON.stringify(r.body)).toBe(302);
  const url = new URL(r.location!);
  const q = url.searchParams;
  return { url, appid: q.get('appid')!, redirectUri: q.get('redirect_uri')!, scope: q.get('scope')!, state: q.get('state')! };
}

/** The person decides on WeChat's page; returns where WeChat sends the browser (our callback). */
export async function decide(stack: Stack, consent: ConsentRequest, person: string, decision: Decision): Promise<string> {
  const { location } = await stack.control<{ location: string }>('/__emulator/oauth/authorize', {
    appid: consent.appid,
    person,
    scope: consent.scope,
    redirectUri: consent.redirectUri,
    state: consent.state,
    decision,
  });
  return location;
}

/**
 * The same decision taken the way a person would: load WeChat's consent page (HTML), find the person's form and
 * submit it with the chosen button; returns where WeChat sends the browser (our callback).
 */
export async function decideOnPage(consent: ConsentRequest, person: string, decision: Decision): Promise<string> {
  const pageUrl = new URL(consent.url.href);
  pageUrl.hash = ''; // a browser never sends the fragment
  const html = await (await fetch(pageUrl)).text();
  const forms = [...html.matchAll(/<form method="get" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  const unescapeHtml = (t: string) => t.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
  for (const [, action, inner] of forms) {
    const fields = new Map([...inner!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]));
    if (fields.get('person') !== person) continue;
    const submit = new URL(unescapeHtml(action!), pageUrl);
    for (const [name, value] of fields) submit.searchParams.set(name, value);
    submit.searchParams.set('decision', decision);
    const r = await hop(submit.href);
    expect(r.status, JSON.stringify(r.body)).toBe(302);
    return r.location!;
  }
  throw new Error(`no consent form for ${person} on ${pageUrl.href}`);
}

/** GETs our callback and returns the final redirect (to the page), or fails the test if it was not a 302. */
export async function land(callbackLocation: string): Promise<URL> {
  const r = await hop(callbackLocation);
  expect(r.status, JSON.stringify(r.body)).toBe(302);
  return new URL(r.location!);
}

/** authorize → decide → callback: the page URL the browser ends on. */
export async function browserLogin(stack: Stack, pathAndQuery: string, person: string, decision: Decision = 'consent'): Promise<URL> {
  const consent = await authorize(stack, pathAndQuery);
  return land(await decide(stack, consent, person, decision));
}

/** Redeems a login code at POST /v1/session/exchange. */
export function exchange(stack: Stack, code: string) {
  return stack.api('/v1/session/exchange', { code });
}

/** authorize → consent → callback → exchange: the session answer (asserts each step went well). */
export async function oauthSession(stack: Stack, pathAndQuery: string, person: string) {
  const page = await browserLogin(stack, pathAndQuery, person);
  const code = page.searchParams.get('code');
  expect(code, page.href).toBeTruthy();
  const r = await exchange(stack, code!);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { userId: string; openid: string; unionid: string | null; isNewUser: boolean; token: string; expiresIn: number };
}

/** `redirect=` for the query string of an authorize path. */
export const redirectParam = (url: string) => `redirect=${encodeURIComponent(url)}`;
