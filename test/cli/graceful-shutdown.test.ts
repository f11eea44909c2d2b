/**
 * Graceful shutdown of a real `weunion start` process: SIGTERM while a login waits on WeChat and an official-account
 * lookup job is running → the login still answers 200, the job still completes, nothing new is accepted, the
 * process exits 0 and the database holds the finished work.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS, demoConfig } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { emulatorAppsFor } from '../../src/cli/sandbox/emulator-apps.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli-process.js';
import { jsonOk } from '../helpers/http.js';

let emulator: Emulator | undefined;
afterEach(async () => emulator?.close());

const control = <T = any>(base: string, pathname: string, body?: unknown): Promise<T> => jsonOk<T>(base + pathname, body);

async function until(what: string, fn: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('weunion start: SIGTERM', () => {
  it('finishes the login and the job in flight, refuses new work, exits 0', async () => {
    const demo = parseConfig(demoConfig());
    emulator = createEmulator({ apps: emulatorAppsFor(demo), unionidRule: 'current', logger: false });
    const wx = await emulator.listen();
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-sigterm-'));
    const { wechat: _sandbox, ...base } = demoConfig({ port: 0, dataDir: './data' });
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({ ...base, storage: 'sqlite:./data/w.db', wechat: { baseUrl: wx }, jobs: { pollMs: 20 } }),
    );
    const started = await runCli(['start'], { cwd, until: /listening on (\S+)/ });
    expect(started.code, started.err).toBeNull();
    const url = /listening on (\S+)/.exec(started.out)![1]!;
    emulator.configureApp(DEMO_APPS.oa, { callbackUrl: `${url}/v1/oa/${DEMO_APPS.oa}/callback` });

    // WeChat is slow for one code2session and one user/info: both are in flight when SIGTERM arrives.
    await control(wx, '/__emulator/faults', { path: '/sns/jscode2session', delayMs: 1500, count: 1 });
    await control(wx, '/__emulator/faults', { path: '/cgi-bin/user/info', delayMs: 1500, count: 1 });
    const follower = (await control<{ id: string }>(wx, '/__emulator/persons', {})).id;
    await control(wx, `/__emulator/persons/${follower}/follow`, { appid: DEMO_APPS.oa });
    const person = (await control<{ id: string }>(wx, '/__emulator/persons', {})).id;
    const { code } = await control<{ code: string }>(wx, '/__emulator/wx.login', { appid: DEMO_APPS.mp1, person });
    const login = fetch(`${url}/v1/mp/${DEMO_APPS.mp1}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    await until('both upstream calls in flight', async () => {
      const { calls } = await control<{ calls: Record<string, number> }>(wx, '/__emulator/stats');
      return calls['/sns/jscode2session'] === 1 && calls['/cgi-bin/user/info'] === 1;
    });

    started.child.kill('SIGTERM');
    await until('the listener to close', async () => {
      try {
        await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) });
        return false;
      } catch {
        return true; // refused: nothing new is accepted
      }
    });
    const answered = await login;
    expect(answered.status).toBe(200);
    const body = (await answered.json()) as { userId: string; openid: string };
    expect(await started.exited).toBe(0);
    expect(started.err).toBe('');

    const opened = await openStore(`sqlite:${path.join(cwd, 'data/w.db')}`);
    try {
      expect(await opened.store.identity.findAppIdentity(DEMO_APPS.mp1, body.openid)).toMatchObject({ userId: body.userId });
      expect(await opened.store.jobs.jobCounts()).toMatchObject({ pending: 0, running: 0, failed: 0, done: 1 });
      const oaOpenid = emulator.state.person(follower)!.openids[DEMO_APPS.oa]!;
      expect(await opened.store.identity.findAppIdentity(DEMO_APPS.oa, oaOpenid)).toMatchObject({ unionid: expect.any(String), subscribed: true });
    } finally {
      await opened.close();
    }
  });
});
