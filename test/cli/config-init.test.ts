/** `weunion init`: a commented config for the four app kinds that parses once its variables are set; never overwrites. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, readConfigSource } from '../../src/config/load-config.js';
import { runCli } from '../helpers/cli-process.js';

const ENV = {
  MP_SECRET: 'a',
  OA_SECRET: 'b',
  OA_TOKEN: 'tok123',
  OA_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  WEB_SECRET: 'c',
  APP_SECRET: 'd',
  WEUNION_AT_REST_KEY: Buffer.alloc(32, 7).toString('base64'),
  WEUNION_SIGNING_JWK: '{"kty":"EC","crv":"P-256","x":"x","y":"y","d":"d"}',
};

describe('weunion init', () => {
  it('writes a commented weunion.config.json (English and 中文) for the four app kinds, which parses', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-init-'));
    const r = await runCli(['init'], { cwd });
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(path.join(cwd, 'weunion.config.json'), 'utf8');
    expect(text).toMatch(/^\/\/ weunion config/);
    expect(text).toContain('小程序');
    const config = parseConfig(readConfigSource({}, cwd).raw, ENV);
    expect(config.apps.map((a) => a.kind).sort()).toEqual(['miniprogram', 'mobile', 'officialAccount', 'website']);
    expect(config.keys?.atRestKey).toBe(ENV.WEUNION_AT_REST_KEY);
    // Unset variables are named, not taken as empty.
    expect(() => parseConfig(readConfigSource({}, cwd).raw, {})).toThrow(/environment variable WEUNION_AT_REST_KEY is not set/);
  });

  it('refuses to overwrite an existing file and leaves it as it was', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-init-'));
    writeFileSync(path.join(cwd, 'mine.json'), '{"apps":[]}');
    const r = await runCli(['config', 'init'], { cwd, env: { WEUNION_CONFIG: 'mine.json' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mine\.json exists; not overwriting it/);
    expect(readFileSync(path.join(cwd, 'mine.json'), 'utf8')).toBe('{"apps":[]}');
  });
});
