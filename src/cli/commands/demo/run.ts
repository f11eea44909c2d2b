/**
 * `weunion demo` (npm run demo): the seeds' story, played against an in-process sandbox (emulator under the legacy
 * unionid rule, SQLite in a temp folder) with the real client SDK, and narrated.
 *  1. Li Lei opens mini program 1: code2session gives no unionid → the SDK asks for the user data → weunion decrypts
 *     it with the session_key it kept → unionid → user A, as a claim. Mini program 2: the same decrypted unionid is
 *     A's, so it is held (a decrypted unionid never joins users): user B. He follows the official account; WeChat's
 *     own word for the unionid then joins both mini programs into one user, and A's and B's ids resolve to it.
 *  2. Han Meimei declines the profile prompt → an openid-only user B. She follows the official account; in mini
 *     program 2 code2session now carries her unionid → user C. Back in mini program 1, the unionid arrives for the
 *     openid that belongs to B → B is merged into C, and B's old id and token still resolve to C.
 *  3. Zhang Wei uses every channel: mini program (openid only), follows the official account (a push, a job,
 *     user/info), the website by QR (OAuth), the mobile app, scan-to-follow on the website, the mini program again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_APPS, demoConfig } from '../../../config/demo-config.js';
import { parseConfig } from '../../../config/load-config.js';
import type { CliCommand, CliContext } from '../command.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Control = <T>(pathname: string, body: unknown) => Promise<T>;

async function waitForPushes(emulatorUrl: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const pushes = (await (await fetch(`${emulatorUrl}/__emulator/pushes`)).json()) as Array<{ done: boolean }>;
    if (pushes.every((p) => p.done)) return;
    await sleep(20);
  }
}

async function exchange(api: string, code: string): Promise<{ userId: string; token: string }> {
  const res = await fetch(`${api}/v1/session/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  return (await res.json()) as { userId: string; token: string };
}

/** Act 3: one person through every road; true when every id ends on one live user. */
async function everyChannel(api: string, emulatorUrl: string, control: Control, me: (token: string) => Promise<{ userId: string }>): Promise<boolean> {
  say('3) Zhang Wei, on every channel');
  const p = (await control<{ id: string }>('/__emulator/persons', { name: 'Zhang Wei', declinesUserInfo: true })).id;
  const post = async (path: string, body: unknown) =>
    (await (await fetch(api + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Record<
      string,
      string
    >;
  const { code: mpCode } = await control<{ code: string }>('/__emulator/wx.login', { appid: DEMO_APPS.mp1, person: p });
  const mp = await post(`/v1/mp/${DEMO_APPS.mp1}/login`, { code: mpCode });
  say(`   mini program 1 (declines the prompt): user ${mp.userId}, unionid ${mp.unionid}`);

  await control(`/__emulator/persons/${p}/follow`, { appid: DEMO_APPS.oa });
  await waitForPushes(emulatorUrl);
  say('   follows the official account: WeChat pushes "subscribe" (safe mode, AES); weunion answers at once and a job');
  say('   calls user/info for the unionid');

  const start = await fetch(`${api}/v1/web/${DEMO_APPS.web}/authorize?redirect=${encodeURIComponent('http://127.0.0.1/welcome')}`, { redirect: 'manual' });
  const consent = new URL(start.headers.get('location')!);
  const { location } = await control<{ location: string }>('/__emulator/oauth/authorize', {
    appid: DEMO_APPS.web,
    person: p,
    scope: consent.searchParams.get('scope'),
    redirectUri: consent.searchParams.get('redirect_uri'),
    state: consent.searchParams.get('state'),
    decision: 'consent',
  });
  // The browser keeps the cookie /authorize set: weunion binds the OAuth state to the browser that started it.
  const cookie = start.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const landed = await fetch(location, { redirect: 'manual', headers: { cookie } });
  const web = await exchange(api, new URL(landed.headers.get('location')!).searchParams.get('code')!);
  say(`   website QR login (OAuth snsapi_login) → one-time code → session: user ${web.userId}`);

  const { code: appCode } = await control<{ code: string }>('/__emulator/app.login', { appid: DEMO_APPS.app, person: p });
  const app = await post(`/v1/app/${DEMO_APPS.app}/login`, { code: appCode });
  say(`   mobile app login: user ${app.userId}`);

  // The web page: it keeps the cookie the QR login sets, which alone gets the login code once it is done.
  const created = await fetch(`${api}/v1/oa/${DEMO_APPS.oa}/qr-login`, { method: 'POST' });
  const qrCookie = created.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const qr = (await created.json()) as Record<string, string>;
  await control(`/__emulator/persons/${p}/scan`, { appid: DEMO_APPS.oa, ticket: qr.ticket });
  let state: { status?: string; loginCode?: string } = {};
  for (let i = 0; i < 50 && state.status !== 'done'; i++) {
    state = (await (
      await fetch(`${api}/v1/qr-login/${qr.id}?wait=5&since=${state.status ?? 'pending'}`, { headers: { cookie: qrCookie } })
    ).json()) as typeof state;
  }
  const scanned = await exchange(api, state.loginCode ?? '');
  say(`   scan-to-follow website login (SCAN event → job → done): user ${scanned.userId}`);

  const { code: again } = await control<{ code: string }>('/__emulator/wx.login', { appid: DEMO_APPS.mp1, person: p });
  const back = await post(`/v1/mp/${DEMO_APPS.mp1}/login`, { code: again });
  say(`   mini program 1 again: code2session now carries the unionid → ${mp.userId} merged into ${back.userId}`);
  const viaFirst = await me(mp.token ?? '');
  say(`   his first mini program token resolves to ${viaFirst.userId} ${viaFirst.userId === back.userId ? '✓' : '✗'}`);
  return new Set([web.userId, app.userId, scanned.userId, back.userId, viaFirst.userId]).size === 1;
}

async function runDemo(ctx: CliContext): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-demo-'));
  // Loaded here, not at the top: the other commands need none of the server's, the emulator's or the SDK's modules.
  const [{ createEmulatorWx, createMiniProgramClient }, { startService }, { startSandbox }] = await Promise.all([
    import('../../../client/index.js'),
    import('../../../server/main.js'),
    import('../../sandbox/start-sandbox.js'),
  ]);
  const sandbox = await startSandbox(parseConfig(demoConfig({ port: 0, emulatorPort: 0, dataDir: dir }), ctx.env));
  const service = await startService({ config: sandbox.config, clock: sandbox.clock, logLevel: ctx.env.LOG_LEVEL ?? 'silent' }).catch(async (e: unknown) => {
    await sandbox.close();
    throw e;
  });
  sandbox.connect(service.url);
  const emulatorUrl = sandbox.emulatorUrl;
  const control = async <T>(pathname: string, body: unknown): Promise<T> => {
    const res = await fetch(emulatorUrl + pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`emulator ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const me = async (token: string) => {
    const res = await fetch(`${service.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as { userId: string };
  };
  const client = (appid: string, person: string) =>
    createMiniProgramClient({ baseUrl: service.url, appid, wx: createEmulatorWx({ emulatorUrl, appid, person }), strategy: 'client-decides' });

  try {
    say(`weunion demo — sandbox API ${service.url}, emulator ${emulatorUrl} (legacy unionid rule)`);
    say();
    say('1) Li Lei, who has never followed the official account');
    const lilei = (await control<{ id: string }>('/__emulator/persons', { name: 'Li Lei' })).id;
    const l1 = await client(DEMO_APPS.mp1, lilei).login();
    say(`   mini program 1: code2session carried no unionid, so the SDK sent encryptedData; weunion decrypted it`);
    say(`   with the stored session_key → unionid ${l1.unionid}, user ${l1.userId} (new: ${l1.isNewUser})`);
    say("   — linked as a claim only: a decrypted unionid is the app's word, not WeChat's (anyone holding one AppSecret");
    say("   can seal data naming anyone's unionid), so it may link a unionid nobody owns but never joins two users");
    const l2 = await client(DEMO_APPS.mp2, lilei).login();
    say(`   mini program 2: same road → the unionid is already ${l1.userId}'s, so the claim is held: user ${l2.userId} for now`);
    say(`   (held: ${l2.unionidUnconfirmed}; trustDecryptedUnionid on the app would have joined them at once)`);
    await control(`/__emulator/persons/${lilei}/follow`, { appid: DEMO_APPS.oa });
    await waitForPushes(emulatorUrl);
    say('   he follows the official account: now WeChat itself gives his unionid (user/info; code2session, legacy rule)');
    const l3 = await client(DEMO_APPS.mp1, lilei).login();
    const l4 = await client(DEMO_APPS.mp2, lilei).login();
    const [lileiA, lileiB] = [await me(l1.token), await me(l2.token)];
    say(
      `   mini programs 1 and 2 again: WeChat's word → user ${l3.userId} and user ${l4.userId} ${l3.userId === l4.userId ? '— the SAME user' : '— DIFFERENT users (bug!)'}`,
    );
    say(`   his first two tokens resolve to ${lileiA.userId} and ${lileiB.userId} ${lileiA.userId === l3.userId && lileiB.userId === l3.userId ? '✓' : '✗'}`);
    say();
    say('2) Han Meimei, who declines the profile prompt');
    const han = (await control<{ id: string }>('/__emulator/persons', { name: 'Han Meimei', declinesUserInfo: true })).id;
    const h1 = await client(DEMO_APPS.mp1, han).login();
    say(`   mini program 1: she declines → logged in by openid only: user ${h1.userId}, unionid ${h1.unionid}`);
    await control(`/__emulator/persons/${han}/follow`, { appid: DEMO_APPS.oa });
    say('   she follows the official account (legacy rule: code2session now carries her unionid)');
    const h2 = await client(DEMO_APPS.mp2, han).login();
    say(`   mini program 2: unionid ${h2.unionid} → user ${h2.userId} (weunion cannot know yet that this is ${h1.userId})`);
    const h3 = await client(DEMO_APPS.mp1, han).login();
    say(`   mini program 1 again: the unionid arrives for her first openid → ${h1.userId} is merged into ${h3.userId}`);
    const old = await me(h1.token);
    say(`   her first token (issued to ${h1.userId}) now resolves to ${old.userId} ${old.userId === h3.userId ? '✓' : '✗'}`);
    say();
    const zhang = await everyChannel(service.url, emulatorUrl, control, me);
    say();
    const lileiOk = l2.unionidUnconfirmed && l3.userId === l4.userId && lileiA.userId === l3.userId && lileiB.userId === l3.userId;
    const ok = lileiOk && h3.userId === h2.userId && old.userId === h3.userId && zhang;
    say(ok ? 'One person, one user id — whatever the order.' : 'Something did not add up: see above.');
    return ok ? 0 : 1;
  } finally {
    await service.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const HELP = `Plays the seeds' story — three people, two mini programs, an official account, a website and an app —
against an in-process sandbox (the built-in emulator, SQLite in a temp folder) with the real client SDK, and
narrates what weunion does. Exits 0 when every person ends with one user id.

example:
  npx weunion demo`;

export const demoRun: CliCommand = {
  name: 'demo run',
  aliases: ['demo'],
  summary: 'play the mini program story against a sandbox and narrate it',
  help: HELP,
  run: runDemo,
};
