/**
 * `weunion demo` (npm run demo): the seeds' story, played against an in-process sandbox (emulator under the legacy
 * unionid rule, SQLite in a temp folder) with the real client SDK, and narrated.
 *  1. Li Lei opens mini program 1: code2session gives no unionid → the SDK asks for the user data → weunion decrypts
 *     it with the session_key it kept → unionid → user A. Mini program 2: same person, same user A.
 *  2. Han Meimei declines the profile prompt → an openid-only user B. She follows the official account; in mini
 *     program 2 code2session now carries her unionid → user C. Back in mini program 1, the unionid arrives for the
 *     openid that belongs to B → B is merged into C, and B's old id and token still resolve to C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEmulatorWx, createMiniProgramClient } from '../../../client/index.js';
import { DEMO_APPS, demoConfig } from '../../../config/demo-config.js';
import { startService } from '../../../server/main.js';

const say = (line = '') => process.stdout.write(line + '\n');

export async function runDemo(env: Record<string, string | undefined>): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-demo-'));
  const service = await startService({
    env: { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'silent' },
    cwd: process.cwd(),
    config: demoConfig({ port: 0, emulatorPort: 0, dataDir: dir }),
  });
  const emulatorUrl = service.emulatorUrl!;
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
    const l2 = await client(DEMO_APPS.mp2, lilei).login();
    say(`   mini program 2: same road → user ${l2.userId} ${l2.userId === l1.userId ? '— the SAME user' : '— a DIFFERENT user (bug!)'}`);
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
    const ok = l1.userId === l2.userId && h3.userId === h2.userId && old.userId === h3.userId;
    say(ok ? 'One person, one user id — whatever the order.' : 'Something did not add up: see above.');
    return ok ? 0 : 1;
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
