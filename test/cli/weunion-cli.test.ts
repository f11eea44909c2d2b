/** The CLI as a process: `weunion migrate`, `weunion start` (sandbox and a bad config), graceful SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = path.resolve('src/cli/main.ts');
// The child runs in a temp folder, so tsx is given by absolute URL rather than resolved from its cwd.
const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

function run(args: string[], options: { cwd: string; env?: Record<string, string>; until?: RegExp }) {
  return new Promise<{ code: number | null; out: string; err: string; child: ReturnType<typeof spawn> }>((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
      cwd: options.cwd,
      env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (options.until?.test(out)) resolve({ code: null, out, err, child });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err, child }));
  });
}

describe('weunion CLI', () => {
  it('migrate applies the migrations to a fresh SQLite file, then finds nothing to do', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({ storage: 'sqlite:./db/w.db', apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }] }),
    );
    const first = await run(['migrate'], { cwd });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/Success\s+0001/);
    const second = await run(['migrate'], { cwd });
    expect(second.out).toMatch(/nothing to apply/);
  });

  it('start refuses a bad config, naming the field, with exit code 1', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify({ apps: [{ appid: 'wx1111111111111111', secret: '${NOPE}', kind: 'miniprogram' }] }));
    const r = await run(['start'], { cwd });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/apps\.0\.secret: environment variable NOPE is not set/);
  });

  it('start with no config runs the sandbox, serves /healthz, and exits 0 on SIGTERM', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    const started = await run(['start'], { cwd, env: { PORT: '0', EMULATOR_PORT: '0' }, until: /npm run demo/ });
    expect(started.out).toContain('SANDBOX mode');
    const api = /API\s+(http:\/\/\S+)/.exec(started.out)![1]!;
    const emulator = /emulator\s+(http:\/\/\S+)/.exec(started.out)![1]!;
    expect(await (await fetch(`${api}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${emulator}/__emulator/apps`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => started.child.on('exit', resolve));
    started.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
