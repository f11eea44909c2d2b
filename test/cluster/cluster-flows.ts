/**
 * What the cluster tests' clients do, each as a real client would: a mini program login (a fresh `wx.login` code per
 * try), an official-account OAuth login (authorize on one instance, WeChat's redirect back through the balancer,
 * the code exchanged on another instance), a follow. A try that fails the way an injected WeChat fault makes it
 * fail (or whose instance died) is retried, on the next instance; anything else fails the test.
 */
import { DEMO_APPS } from '../../src/config/demo-config.js';
import type { Cluster } from './cluster.js';

/** The session answer of every login road. */
export interface LoginAnswer {
  userId: string;
  openid: string;
  unionid: string | null;
  token: string;
}

/** Error codes an injected upstream fault (-1, 45011, HTTP 500, a slow answer) may surface as. */
export const FAULT_CODES = new Set(['ERR_WECHAT_BUSY', 'ERR_WECHAT_RATE_LIMITED', 'ERR_WECHAT_HTTP_STATUS', 'ERR_WECHAT_TIMEOUT', 'ERR_WECHAT_UNREACHABLE']);

/** Counts of what went wrong before a retry: error codes, and `connection` for an instance that did not answer. */
export type Tally = Map<string, number>;

const MAX_TRIES = 10;
const count = (tally: Tally, key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

class Unexpected extends Error {}

async function send(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; location: string | null; cookie: string | null } | null> {
  try {
    const res = await fetch(url, { redirect: 'manual', ...init });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* HTML */
    }
    // The browser's cookie jar, for the one cookie a flow needs (the OAuth browser binding): `name=value`.
    const cookie = res.headers.getSetCookie()[0]?.split(';')[0] ?? null;
    return { status: res.status, body, location: res.headers.get('location'), cookie };
  } catch {
    return null; // refused, reset: the instance is gone
  }
}

const postJson = (url: string, body: unknown) => send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Runs `attempt` on instance after instance until it answers; a fault code or a dead instance means: next. */
async function retrying(
  cluster: Cluster,
  start: number,
  tally: Tally,
  attempt: (base: (offset?: number) => string) => Promise<LoginAnswer | string>,
): Promise<LoginAnswer> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const live = cluster.live();
    const base = (offset = 0) => live[(start + i + offset) % live.length]!.url;
    const outcome = await attempt(base);
    if (typeof outcome !== 'string') return outcome;
    count(tally, outcome);
    if (outcome !== 'connection' && !FAULT_CODES.has(outcome)) throw new Unexpected(`unexpected failure: ${outcome}`);
  }
  throw new Error(`no success after ${MAX_TRIES} tries: ${JSON.stringify([...tally])}`);
}

/** `wx.login` + `POST /v1/mp/:appid/login`. */
export function mpLogin(cluster: Cluster, appid: string, person: string, start: number, tally: Tally): Promise<LoginAnswer> {
  return retrying(cluster, start, tally, async (base) => {
    const { code } = await cluster.control<{ code: string }>('/__emulator/wx.login', { appid, person });
    const r = await postJson(`${base()}/v1/mp/${appid}/login`, { code });
    if (!r) return 'connection';
    return r.status === 200 ? (r.body as LoginAnswer) : String(r.body?.error?.code ?? r.status);
  });
}

/** Official-account OAuth (snsapi_userinfo): authorize on one instance, callback via the balancer, exchange on another. */
export function oauthLogin(cluster: Cluster, person: string, start: number, tally: Tally): Promise<LoginAnswer> {
  const appid = DEMO_APPS.oa;
  return retrying(cluster, start, tally, async (base) => {
    const redirect = encodeURIComponent('http://127.0.0.1/welcome');
    const started = await send(`${base()}/v1/oa/${appid}/authorize?scope=userinfo&redirect=${redirect}`);
    if (!started) return 'connection';
    if (started.status !== 302) return String(started.body?.error?.code ?? started.status);
    const consent = new URL(started.location!).searchParams;
    const { location } = await cluster.control<{ location: string }>('/__emulator/oauth/authorize', {
      appid,
      person,
      scope: consent.get('scope'),
      redirectUri: consent.get('redirect_uri'),
      state: consent.get('state'),
      decision: 'consent',
    });
    // WeChat → the balancer → some instance, with the cookie /authorize set (the state is bound to this browser).
    const landed = await send(location, started.cookie ? { headers: { cookie: started.cookie } } : {});
    if (!landed) return 'connection';
    if (landed.status !== 302) return String(landed.body?.error?.code ?? landed.status);
    const page = new URL(landed.location!).searchParams;
    if (page.get('error')) return page.get('error')!;
    const r = await postJson(`${base(1)}/v1/session/exchange`, { code: page.get('code') });
    if (!r) return 'connection'; // the login code may be spent; a new OAuth round gives another
    return r.status === 200 ? (r.body as LoginAnswer) : String(r.body?.error?.code ?? r.status);
  });
}

/** The person follows the official account: WeChat pushes `subscribe` to the balancer; a job links the unionid. */
export async function follow(cluster: Cluster, person: string): Promise<void> {
  await cluster.control(`/__emulator/persons/${person}/follow`, { appid: DEMO_APPS.oa });
}

/**
 * Waits for every push to be answered and every job to finish (none left pending or running). It fails only when
 * the jobs stop moving — no job finished for `stallMs` —, not after a fixed time: a loaded machine is slower, not stuck.
 */
export async function settle(cluster: Cluster, stallMs = 30_000): Promise<void> {
  await cluster.control('/__emulator/pushes?wait=1');
  let open = Number.POSITIVE_INFINITY;
  let movedAt = Date.now();
  for (;;) {
    const [row] = await cluster.sql<{ open: string }>(`select count(*) as open from jobs where status in ('pending', 'running')`);
    const now = Number(row!.open);
    if (now === 0) return;
    if (now < open) (open = now), (movedAt = Date.now());
    else if (Date.now() - movedAt > stallMs) throw new Error(`${now} jobs still open, none finished in the last ${stallMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
