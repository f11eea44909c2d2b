/**
 * `weunion doctor` as a process, on SQLite and PostgreSQL, against the emulator: a stack (server + emulator) makes
 * the world — logins without a unionid, an unbound app, a callback refused for a wrong Token, an app WeChat says
 * is not bound — and the CLI, reading the same database and asking the same emulator, explains each in English and
 * Chinese with its document link.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/flows/doctor/finding.js';
import { runCli } from '../helpers/cli-process.js';
import { login, personView } from '../helpers/login-flows.js';
import { createTestSchema, postgresAvailable } from '../helpers/postgres.js';
import { startStack, type Stack } from '../helpers/stack.js';

const backends: Array<[string, (dir: string) => Promise<{ storage: string; drop(): Promise<void> }>]> = [
  ['sqlite', async (dir) => ({ storage: `sqlite:${path.join(dir, 'w.db')}`, drop: async () => undefined })],
];
if (await postgresAvailable()) backends.push(['postgres', async () => createTestSchema().then((s) => ({ storage: s.url, drop: () => s.drop() }))]);

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** The CLI's config: the stack's apps and storage, WeChat = the emulator; `wrongSecret` stands for a secret reset in the console. */
function writeConfig(cwd: string, s: Stack, storage: string, wrongSecret?: string): void {
  const apps = s.config.apps.map((a) => (a.appid === wrongSecret ? { ...a, secret: 'reset-in-the-console' } : a));
  writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify({ storage, unions: s.config.unions, apps, wechat: { baseUrl: s.emulatorUrl } }));
}

async function doctor(cwd: string, ...args: string[]): Promise<{ code: number | null; findings: Finding[]; err: string }> {
  const r = await runCli(['doctor', '--json', ...args], { cwd });
  return { code: r.code, err: r.err, findings: r.out ? (JSON.parse(r.out) as Finding[]) : [] };
}

const ids = (findings: Finding[], subject: string) => findings.filter((f) => f.subject === subject).map((f) => f.id);

describe.each(backends)('weunion doctor (%s)', (_name, make) => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('explains every app: unbound, wrong secret, users without a unionid, a refused callback, then a healthy one', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-doctor-'));
    const backend = await make(cwd);
    drops.push(backend.drop);
    stack = await startStack({ storage: backend.storage });
    const { apps } = stack;
    // Under the legacy rule a login to a bound mini program by someone who follows nothing gets no unionid.
    const person = await stack.createPerson();
    expect((await login(stack, apps.mp1, person)).status).toBe(200);
    expect((await login(stack, apps.mpUnbound, person)).status).toBe(200);
    // A callback signed with another Token than the configured one (the console's differs): refused, remembered.
    const now = String(Math.floor(stack.clock.now() / 1000));
    const refused = await fetch(`${stack.serverUrl}/v1/oa/${apps.oa}/callback?signature=${'0'.repeat(40)}&timestamp=${now}&nonce=7&echostr=hi`);
    expect(refused.status).toBe(403);
    writeConfig(cwd, stack, backend.storage, apps.app);

    const first = await doctor(cwd, '--lang', 'both');
    expect(first.code, first.err).toBe(1); // errors found
    expect(ids(first.findings, apps.mpUnbound)).toEqual(expect.arrayContaining(['app.unbound', 'app.token-ok', 'app.users-openid-only']));
    expect(ids(first.findings, apps.mp1)).toEqual(expect.arrayContaining(['app.token-ok', 'app.binding-ok', 'app.users-without-unionid']));
    const mp1 = first.findings.find((f) => f.subject === apps.mp1 && f.id === 'app.users-without-unionid')!;
    expect(mp1.en).toContain('1 of 1 users have no unionid');
    expect(mp1.zh).toContain('下次登录');
    expect(mp1.doc).toMatch(/^https:\/\/developers\.weixin\.qq\.com\//);
    const token = first.findings.find((f) => f.subject === apps.app)!;
    expect(token).toMatchObject({ id: 'app.token-failed', level: 'error' });
    expect(token.en).toContain('40125');
    expect(JSON.stringify(first.findings)).not.toContain('reset-in-the-console'); // never the secret
    const callback = first.findings.find((f) => f.id === 'app.callback-refused')!;
    expect(callback).toMatchObject({ subject: apps.oa, level: 'error' });
    expect(callback.en).toContain('Token in the config differs');
    expect(callback.zh).toContain('Token 与公众平台后台');
    expect(first.findings.find((f) => f.subject === 'clock')).toMatchObject({ id: 'clock.ok' });

    // Text output, Chinese from the locale; the same findings with their links.
    const zh = await runCli(['doctor', '--app', apps.oa], { cwd, env: { LANG: 'zh_CN.UTF-8' } });
    expect(zh.out).toContain('weunion doctor：1 个错误');
    expect(zh.out).toContain('[app.callback-refused] 最近一次回调');
    expect(zh.out).toContain('→ https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html');

    // WeChat's own push (a follow) is accepted: the callback is healthy again. The app is unbound at WeChat.
    const { pushId } = await stack.control<{ pushId: string }>(`/__emulator/persons/${person}/follow`, { appid: apps.oa });
    await stack.control(`/__emulator/pushes/${pushId}?wait=1`, undefined, 'GET');
    await stack.control(`/__emulator/apps/${apps.mp2}/unbind`);
    writeConfig(cwd, stack, backend.storage);
    const second = await doctor(cwd);
    expect(ids(second.findings, apps.oa)).toContain('app.callback-ok');
    expect(ids(second.findings, apps.oa)).not.toContain('app.callback-refused');
    expect(second.findings.find((f) => f.subject === apps.mp2 && f.id === 'app.binding-missing')).toMatchObject({ level: 'error' });
    expect((await doctor(cwd, '--app', apps.mp1, '--offline')).findings.map((f) => f.id)).toEqual(['app.users-without-unionid']);
  }, 240_000);

  it('explains one person by any id: which roads gave nothing and what would give the unionid', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-doctor-'));
    const backend = await make(cwd);
    drops.push(backend.drop);
    stack = await startStack({ storage: backend.storage });
    const { apps } = stack;
    const person = await stack.createPerson();
    const answer = await login(stack, apps.mp1, person);
    const openid = (await personView(stack, person)).openids[apps.mp1]!;
    writeConfig(cwd, stack, backend.storage);

    const r = await doctor(cwd, openid, '--offline');
    expect(r.code, r.err).toBe(0);
    const userId = answer.body.userId as string;
    const mine = r.findings.filter((f) => f.subject === userId);
    expect(mine.map((f) => f.id)).toEqual(['person.no-unionid-login', 'person.other-roads']);
    expect(mine[0]!.en).toContain(`openid ${openid} in ${apps.mp1}`);
    expect(mine[0]!.en).toContain('decrypt road'); // the session_key is stored: POST /v1/mp/unionid works now
    expect(mine[1]!.en).toContain(apps.oa);
    // The app findings of the apps the person used come along; nothing else.
    expect([...new Set(r.findings.map((f) => f.subject))].sort()).toEqual([apps.mp1, userId].sort());

    // Following the official account gives the unionid (legacy rule): after the next login it is known.
    await stack.control(`/__emulator/persons/${person}/follow`, { appid: apps.oa });
    await stack.settle();
    expect((await login(stack, apps.mp1, person)).status).toBe(200);
    // The follow created the unionid's owner; that login merged the mini program's user into it (the owner survives).
    const after = await doctor(cwd, userId, '--offline');
    const survivor = after.findings.find((f) => f.id === 'person.merged')!;
    expect(survivor.en).toContain(`${userId} was merged into`);
    expect(after.findings.filter((f) => f.subject === survivor.subject).map((f) => f.id)).toEqual(['person.merged', 'person.unionid-known']);

    const unknown = await runCli(['doctor', 'o-nobody'], { cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('ERR_USER_NOT_FOUND');
    const bad = await runCli(['doctor', '--lang', 'fr'], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--lang is en, zh or both');
  }, 240_000);
});
