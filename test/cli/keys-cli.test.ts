/**
 * `weunion keys list` and `weunion keys rotate` as processes, on SQLite and PostgreSQL: list shows the configured key
 * (seeded as a start would), rotate adds an active key and retires the old one (still published), nothing prints
 * or stores a private part in clear, `--help` never acts, stray arguments are refused.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createAtRestCipher } from '../../src/secrets/at-rest-cipher.js';
import { kidOf } from '../../src/sessions/signing-key.js';
import { signingKeyAad } from '../../src/sessions/signing-key-rotation.js';
import { runCli } from '../helpers/cli-process.js';
import { dataBackends } from './data-backends.js';

interface Listed {
  kid: string;
  status: string;
  retiredAt: string | null;
  inJwks: boolean;
}

describe.each(await dataBackends())('weunion keys (%s)', (_name, make) => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('lists the configured key, rotates to a new one, never shows a private part', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weunion-keys-cli-'));
    const backend = await make(dir);
    drops.push(backend.drop);
    const atRestKey = randomBytes(32);
    const jwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const keys = { atRestKey: atRestKey.toString('base64'), signingJwk: JSON.stringify(jwk) };
    writeFileSync(
      path.join(dir, 'weunion.config.json'),
      JSON.stringify({
        storage: backend.storage,
        migrations: 'auto',
        dataDir: path.join(dir, 'data'),
        keys,
        apps: [{ appid: 'wxtest00000000mp01', secret: 's', kind: 'miniprogram', union: null }],
      }),
    );
    const list = async () => {
      const r = await runCli(['keys', 'list', '--json'], { cwd: dir });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).not.toContain(jwk.d);
      expect(r.out).not.toMatch(/"d"/);
      return (JSON.parse(r.out) as { keys: Listed[] }).keys;
    };

    const configured = await kidOf(jwk);
    expect(await list()).toMatchObject([{ kid: configured, status: 'active', retiredAt: null, inJwks: true }]);

    const help = await runCli(['keys', 'rotate', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.out).toContain('example:');
    expect((await runCli(['keys', 'rotate', 'now'], { cwd: dir })).code).toBe(1);
    expect((await runCli(['keys', 'list', '--all'], { cwd: dir })).code).toBe(1);
    expect(await list()).toHaveLength(1);

    const rotated = await runCli(['keys', 'rotate'], { cwd: dir });
    expect(rotated.err).toBe('');
    expect(rotated.code).toBe(0);
    const kid = /active signing key: (\S+)/.exec(rotated.out)?.[1];
    expect(kid).toBeDefined();
    expect(kid).not.toBe(configured);
    const after = await list();
    expect(after).toMatchObject([
      { kid, status: 'active', retiredAt: null, inJwks: true },
      { kid: configured, status: 'retired', inJwks: true },
    ]);
    const text = await runCli(['keys', 'list'], { cwd: dir });
    expect(text.out).toMatch(new RegExp(`^${kid}\\tcreated \\S+\\tactive\\n${configured}\\tcreated \\S+\\tretired \\S+ \\(in the JWKS until \\S+\\)\\n$`));

    // At rest: sealed with the at-rest key, bound to its kid (it does not open as another row's).
    const opened = await backend.open();
    try {
      const rows = await opened.store.signingKeys.listSigningKeys();
      const cipher = createAtRestCipher(atRestKey);
      const row = rows.find((r) => r.kid === kid)!;
      expect(row.privateJwkSealed).toMatch(/^v1\./);
      expect(JSON.parse(cipher.open(row.privateJwkSealed, signingKeyAad(kid!))!)).toHaveProperty('d');
      expect(cipher.open(row.privateJwkSealed, signingKeyAad(configured))).toBeNull();
    } finally {
      await opened.close();
    }
  });
});
