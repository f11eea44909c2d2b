import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../src/config/demo-config.js';
import { parseConfig, readConfigSource } from '../../src/config/load-config.js';
import { loadOrCreateDataKeys } from '../../src/config/data-keys.js';
import { isAppError } from '../../src/errors.js';
import { thrown } from '../helpers/expect-error.js';

const minimal = { apps: [{ appid: 'wx1111111111111111', secret: '${MP_SECRET}', kind: 'miniprogram' }] };

function configError(input: unknown, env: Record<string, string> = {}): string {
  const e = thrown(() => parseConfig(input, env));
  expect(e.code).toBe('ERR_CONFIG_INVALID');
  return e.message;
}

describe('parseConfig()', () => {
  it('applies defaults and substitutes ${ENV} in strings', () => {
    const c = parseConfig(minimal, { MP_SECRET: 's3cret' });
    expect(c.apps[0]).toMatchObject({ secret: 's3cret', union: null });
    expect(c.storage).toBe(`sqlite:${path.join('.weunion', 'weunion.db')}`);
    expect(c.server.port).toBe(3000);
    expect(c.wechat).toMatchObject({ baseUrl: 'https://api.weixin.qq.com', tokenMode: 'stable' });
  });
  it('names a missing environment variable and the field that wanted it', () => {
    expect(configError(minimal)).toMatch(/apps\.0\.secret: environment variable MP_SECRET is not set/);
  });
  it('names every bad field', () => {
    const message = configError({
      storage: 'mysql://x',
      unions: [{ id: 'acme' }],
      apps: [
        { appid: 'wx1', secret: 's', kind: 'miniapp' },
        { appid: 'wx2222222222222222', secret: 's', kind: 'miniprogram', union: 'nope' },
      ],
    });
    expect(message).toContain('storage');
    expect(message).toContain('apps.0.kind');
  });
  it('names an app bound to an undeclared union', () => {
    const app = { appid: 'wx2222222222222222', secret: 's', kind: 'miniprogram', union: 'nope' };
    expect(configError({ unions: [{ id: 'acme' }], apps: [app] })).toContain('apps.0.union: unknown union "nope"');
  });
  it('names an admin key limited to an undeclared union, and keeps a declared one', () => {
    const app = { appid: 'wx2222222222222222', secret: 's', kind: 'miniprogram', union: 'acme' };
    const key = (union: string) => ({ admin: { keys: [{ name: 'desk', sha256: 'a'.repeat(64), scopes: ['read'], union }] } });
    expect(configError({ unions: [{ id: 'acme' }], apps: [app], ...key('beta') })).toContain('admin.keys.0.union: unknown union "beta"');
    expect(parseConfig({ unions: [{ id: 'acme' }], apps: [app], ...key('acme') }).admin.keys[0]).toMatchObject({ union: 'acme' });
  });
  it('rejects duplicate appids and unknown keys', () => {
    const app = { appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' };
    expect(configError({ apps: [app, app] })).toContain('apps.1.appid: duplicate appid');
    expect(configError({ apps: [app], colour: 'blue' })).toMatch(/colour/);
  });
  it('accepts the sandbox config', () => {
    expect(parseConfig(demoConfig()).apps).toHaveLength(6);
  });
});

describe('readConfigSource()', () => {
  it('reads ./weunion.config.json, or nothing (sandbox), or fails on a WEUNION_CONFIG that does not exist', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weunion-cfg-'));
    expect(readConfigSource({}, dir)).toEqual({ file: null, raw: null });
    writeFileSync(path.join(dir, 'weunion.config.json'), JSON.stringify(minimal));
    expect(readConfigSource({}, dir).raw).toEqual(minimal);
    expect(() => readConfigSource({ WEUNION_CONFIG: 'missing.json' }, dir)).toThrow(/does not exist/);
    writeFileSync(path.join(dir, 'broken.json'), '{');
    expect(() => readConfigSource({ WEUNION_CONFIG: 'broken.json' }, dir)).toThrow(/not valid JSON/);
  });
});

describe('loadOrCreateDataKeys()', () => {
  it('generates the keys once and keeps them across restarts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-keys-'));
    const first = await loadOrCreateDataKeys({ dataDir });
    const second = await loadOrCreateDataKeys({ dataDir });
    expect(first.atRestKey.length).toBe(32);
    expect(second.atRestKey.equals(first.atRestKey)).toBe(true);
    expect(second.signingJwk).toEqual(first.signingJwk);
  });
  it('rejects an at-rest key that is not 32 bytes of base64', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-keys-'));
    await expect(loadOrCreateDataKeys({ dataDir, keys: { atRestKey: 'c2hvcnQ=' } })).rejects.toThrow(/atRestKey must be 32 bytes/);
  });
});

// POSIX file modes do not exist on Windows; every machine this project’s CI runs on is Linux, so CI=true never skips it.
describe.skipIf(process.platform === 'win32')('loadOrCreateDataKeys(): file modes (#13)', () => {
  const mode = (p: string) => statSync(p).mode & 0o777;
  // The usual umask, so that what is checked is the modes the code sets, not the environment's umask.
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('creates the data folder 0700 and keys.json 0600, through a temporary file that does not stay behind', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'weunion-keys-')), 'data');
    await loadOrCreateDataKeys({ dataDir });
    expect(mode(dataDir).toString(8)).toBe('700');
    expect(mode(path.join(dataDir, 'keys.json')).toString(8)).toBe('600');
    expect(readdirSync(dataDir)).toEqual(['keys.json']);
    // Rewritten when a key is added (here: the signing key was given in config before, no longer): still 0600.
    const dir2 = mkdtempSync(path.join(tmpdir(), 'weunion-keys-'));
    writeFileSync(path.join(dir2, 'keys.json'), JSON.stringify({ atRestKey: sampleAtRestKey() }), { mode: 0o600 });
    await loadOrCreateDataKeys({ dataDir: dir2 });
    expect(mode(path.join(dir2, 'keys.json')).toString(8)).toBe('600');
    expect(readdirSync(dir2)).toEqual(['keys.json']);
  });

  it('leaves the mode of a data folder it did not create alone', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-keys-'));
    chmodSync(dataDir, 0o755);
    await loadOrCreateDataKeys({ dataDir });
    expect(mode(dataDir).toString(8)).toBe('755');
    expect(mode(path.join(dataDir, 'keys.json')).toString(8)).toBe('600');
  });

  it('refuses an existing keys.json that group or others may read or write, naming the chmod 600 to run', async () => {
    for (const loose of [0o644, 0o640, 0o602]) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-keys-'));
      await loadOrCreateDataKeys({ dataDir });
      const file = path.join(dataDir, 'keys.json');
      chmodSync(file, loose);
      const e = await loadOrCreateDataKeys({ dataDir }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isAppError(e, 'ERR_KEYS_FILE_PERMISSIONS'), String(e)).toBe(true);
      expect((e as Error).message).toContain(`chmod 600 ${path.resolve(file)}`);
      expect(mode(file)).toBe(loose); // not changed behind the operator's back
      // The documented opt-out starts anyway.
      expect((await loadOrCreateDataKeys({ dataDir, keys: { allowLooseKeysFile: true } })).atRestKey.length).toBe(32);
      chmodSync(file, 0o600);
      expect((await loadOrCreateDataKeys({ dataDir })).atRestKey.length).toBe(32);
    }
  });
});

function sampleAtRestKey(): string {
  return Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');
}
