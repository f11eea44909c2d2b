/** The CLI as a process: `weunion migrate`, `weunion start` (sandbox and a bad config), graceful SIGTERM. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
  it('--help on every command prints its help and an example, acts on nothing and exits 0', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({ storage: 'sqlite:./db/w.db', apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }] }),
    );
    for (const args of [
      ['migrate', '--help'],
      ['db', 'migrate', '-h'],
      ['start', '--help'],
      ['emulator', '--help'],
      ['demo', '--help'],
    ]) {
      const r = await run(args, { cwd });
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      expect(r.out).toMatch(/^usage: weunion /);
      expect(r.out).toMatch(/example:\n {2}.*npx weunion /);
    }
    expect(existsSync(path.join(cwd, 'db')), 'migrate --help created the database').toBe(false);
    expect(readdirSync(cwd)).toEqual(['weunion.config.json']);
  });

  it('--version prints the package version; an unknown command or argument is refused with the usage', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    const v = await run(['--version'], { cwd });
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    const unknown = await run(['frobnicate'], { cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/unknown command "frobnicate"[\s\S]*usage: weunion/);
    const extra = await run(['migrate', 'now'], { cwd });
    expect(extra.code).toBe(1);
    expect(extra.err).toMatch(/unexpected argument "now"/);
  });

  it('under NODE_ENV=production, start refuses the sandbox (no config file) and a configured built-in emulator, saying why', async () => {
    const none = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    const sandbox = await run(['start'], { cwd: none, env: { NODE_ENV: 'production', PORT: '0', EMULATOR_PORT: '0' } });
    expect(sandbox.code).toBe(1);
    expect(sandbox.err).toMatch(/NODE_ENV=production and no config file .* refusing to start the sandbox/);
    expect(readdirSync(none)).toEqual([]); // no keys, no database
    const withEmulator = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    writeFileSync(
      path.join(withEmulator, 'weunion.config.json'),
      JSON.stringify({ server: { port: 0 }, wechat: { emulator: { port: 0 } }, apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }] }),
    );
    const refused = await run(['start'], { cwd: withEmulator, env: { NODE_ENV: 'production' } });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/wechat\.emulator is set: refusing .* WEUNION_ALLOW_EMULATOR=1/);
  });
  it('a configured built-in emulator listens on loopback even when the service faces the network, and the banner names it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-cli-'));
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({
        server: { host: '0.0.0.0', port: 0 },
        wechat: { emulator: { port: 0 } },
        apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }],
      }),
    );
    const started = await run(['start'], { cwd, until: /emulator\s+http:\/\/\S+.*\n/ });
    try {
      expect(started.out).toMatch(/emulator\s+http:\/\/127\.0\.0\.1:\d+\s+\(the BUILT-IN WeChat emulator, not WeChat/);
    } finally {
      const exited = new Promise((resolve) => started.child.on('exit', resolve));
      started.child.kill('SIGTERM');
      await exited;
    }
  });
});
