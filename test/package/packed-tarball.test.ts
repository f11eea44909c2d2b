/**
 * The npm package outside this repository (issue 15): packed, installed into an empty project with
 * `npm install --omit=dev`, then there (a) `tsc` on a consumer importing `weunion`, `weunion/client`,
 * `weunion/fastify` and `weunion/node` with their types, (b) `npx weunion start` (plain node on the built JS, no
 * tsx installed) logs someone in through the built-in emulator, (c) the three examples under examples/, run as a user
 * would, each log someone in against an emulator. Prints the tarball size and how long each step took.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbedWorld, MP, startEmbedWorld } from '../helpers/embed-world.js';
import { type PackedInstall, packAndInstall } from '../helpers/packed-install.js';
import { descendants, waitGone } from '../helpers/process-tree.js';

const exec = promisify(execFile);
let installed: PackedInstall;
let world: EmbedWorld;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [installed, world] = await Promise.all([packAndInstall(['express@^5', '@types/node@^20']), startEmbedWorld()]);
  const { tarball, seconds } = installed;
  console.log(
    `weunion tarball: ${tarball.size} bytes packed, ${tarball.unpackedSize} unpacked, ${tarball.files.length} files; ` +
      `build ${seconds.build} s, pack ${seconds.pack} s, npm install --omit=dev ${seconds.install} s`,
  );
}, 400_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await world?.close();
});

/** Starts `command` in the consumer project; resolves with the first match of `until` in its stdout. */
function start(command: string, args: string[], env: Record<string, string>, until: RegExp) {
  const child = spawn(command, args, { cwd: installed.dir, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const matched = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = until.exec(out);
      if (m) resolve(m);
    });
    void exited.then((code) => reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out}\n${err}`)));
  });
  return { child, exited, matched };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('the packed npm package, installed with npm install --omit=dev', () => {
  it('keeps tests, bench, sources and source maps out of the tarball, and tsx out of the installed tree', () => {
    const files = installed.tarball.files;
    expect(files).toContain('bin/weunion.js');
    expect(files).toContain('dist/src/fastify.d.ts');
    expect(files.filter((f) => /^(test|bench|src)\//.test(f) || /\.map$/.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)))).toEqual([]);
    expect(existsSync(path.join(installed.dir, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(installed.dir, 'node_modules/typescript'))).toBe(false);
    const pkg = JSON.parse(readFileSync(path.join(installed.dir, 'node_modules/weunion/package.json'), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './client', './client/uni', './client/taro', './client/web', './fastify', './node', './package.json']);
  });

  it('type-checks a consumer importing weunion, weunion/client, weunion/fastify and weunion/node', async () => {
    writeFileSync(
      path.join(installed.dir, 'consumer.ts'),
      [
        "import Fastify from 'fastify';",
        "import { parseConfig, type Config, AppError } from 'weunion';",
        "import { createMiniProgramClient } from 'weunion/client';",
        "import weunion, { type WeunionHandle } from 'weunion/fastify';",
        "import { createWeunionHandler, type WeunionHandler } from 'weunion/node';",
        "const config: Config = parseConfig({ apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }] });",
        'const app = Fastify();',
        "await app.register(weunion, { config, prefix: '/auth' });",
        'const handle: WeunionHandle = app.weunion;',
        'const handler: WeunionHandler = await createWeunionHandler({ config });',
        'void [handle, handler, createMiniProgramClient, AppError];',
        '// @ts-expect-error: a misspelt option is a type error too',
        'await app.register(weunion, { confg: config });',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(installed.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    // This checkout's TypeScript (the consumer has none installed: dev dependencies are omitted).
    const tsc = path.resolve('node_modules/typescript/bin/tsc');
    const r = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: installed.dir }).catch((e: { stdout: string }) => ({
      stdout: e.stdout,
      failed: true,
    }));
    expect(r.stdout).toBe('');
  }, 120_000);

  it('npx weunion start runs the sandbox on plain node and logs someone in through the emulator (code2session road)', async () => {
    const run = start(
      'npx',
      ['weunion', 'start'],
      { PORT: '0', EMULATOR_PORT: '0' },
      /API\s+(http:\/\/\S+)[\s\S]*emulator\s+(http:\/\/\S+)[\s\S]*npm run demo/,
    );
    const [, api, emulator] = await run.matched;
    const control = (p: string, body: unknown) => post(`${emulator}/__emulator/${p}`, body).then((r) => r.body);
    const person = (await control('persons', {})).id;
    const { code } = await control('wx.login', { appid: 'wxdemo00000000mp01', person });
    const login = await post(`${api}/v1/mp/wxdemo00000000mp01/login`, { code });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body).toMatchObject({ userId: expect.stringMatching(/^u_/), token: expect.any(String) });
    // `npx … &` then `kill $!`: npm forwards the signal to its shell only; the server must not be left running.
    const under = descendants(run.child.pid!);
    run.child.kill('SIGTERM');
    expect(await waitGone([run.child.pid!, ...under])).toEqual([]);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('NODE_ENV=production node on the built bin: refuses keys it would generate, saying why; starts with keys given', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-prod-'));
    const config = (keys: object) => ({
      server: { port: 0 },
      dataDir,
      wechat: { baseUrl: world.emulatorUrl },
      apps: [{ appid: MP, secret: 's', kind: 'miniprogram' }],
      ...keys,
    });
    const file = path.join(dataDir, 'weunion.config.json');
    writeFileSync(file, JSON.stringify(config({})));
    const bin = ['node_modules/weunion/bin/weunion.js', 'start'];
    const refused = start(process.execPath, bin, { NODE_ENV: 'production', WEUNION_CONFIG: file }, /weunion listening/);
    await expect(refused.matched).rejects.toThrow(/exited 1[\s\S]*refusing to generate keys, because generated keys live in this one data folder/);
    writeFileSync(file, JSON.stringify(config({ keys: { atRestKey: '${AT_REST}', signingJwk: '${JWK}' } })));
    const jwk = JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));
    const env = { NODE_ENV: 'production', WEUNION_CONFIG: file, AT_REST: randomBytes(32).toString('base64'), JWK: jwk };
    const run = start(process.execPath, bin, env, /weunion listening on (http:\/\/\S+)/);
    const [, url] = await run.matched;
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 60_000);

  it.each([
    ['fastify', '/auth'],
    ['express', '/auth'],
    ['http', ''],
  ])(
    'examples/%s/server.mjs starts against the emulator and logs someone in',
    async (name, prefix) => {
      cpSync(path.resolve('examples'), path.join(installed.dir, 'examples'), { recursive: true });
      const configFile = path.join(installed.dir, `weunion.${name}.json`);
      writeFileSync(configFile, JSON.stringify(world.config));
      const run = start(process.execPath, [`examples/${name}/server.mjs`], { WEUNION_CONFIG: configFile, PORT: '0' }, /example listening on (http:\/\/\S+)/);
      const [, base] = await run.matched;
      const login = await post(`${base}${prefix}/v1/mp/${MP}/login`, { code: await world.loginCode(await world.createPerson()) });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      if (name !== 'http') {
        const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${login.body.token}` } });
        expect(await me.json()).toMatchObject({ userId: login.body.userId, user: { userId: login.body.userId } });
      }
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    },
    60_000,
  );
});
