/** The local CA (ensureLocalCa) and the emulator's programmatic HTTPS listener (listenHttps). */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator, ensureLocalCa } from '../../src/emulator/index.js';
import { MINI } from './helpers.js';

const caDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'weunion-ca-')), 'ca');

function getJson(url: string, ca: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(JSON.parse(body)));
    })
      .on('error', reject)
      .end();
  });
}

describe('ensureLocalCa', () => {
  it('keeps the CA but re-issues a server certificate that is about to expire', () => {
    const dir = caDir();
    const first = ensureLocalCa(dir);
    const again = ensureLocalCa(dir);
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.cert).toEqual(first.cert);
    const later = ensureLocalCa(dir, { now: () => new Date(Date.now() + 825 * 86_400_000) });
    expect(later.ca).toEqual(first.ca);
    expect(later.cert).not.toEqual(first.cert);
    const cert = new X509Certificate(later.cert);
    expect(cert.verify(new X509Certificate(later.ca).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(new X509Certificate(later.ca).ca).toBe(true);
  });

  it('says what failed when openssl cannot run', () => {
    expect(() => ensureLocalCa(caDir(), { openssl: '/nonexistent/openssl' })).toThrow(expect.objectContaining({ code: 'ERR_EMULATOR_TLS' }));
  });
});

describe('emulator.listenHttps', () => {
  it('serves the same app over HTTPS with the given certificate and frees the port on close', async () => {
    const ca = ensureLocalCa(caDir());
    const emu = createEmulator({ apps: [MINI] });
    const url = await emu.listenHttps({ key: ca.key, cert: ca.cert });
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.httpsAddress()).toMatchObject({ url, loopback: true });
    expect(emu.address()).toBeUndefined(); // HTTPS alone is fine
    await expect(getJson(`${url}/__emulator/apps`, ca.ca)).resolves.toEqual([{ appid: MINI.appid, kind: 'miniprogram', openAppid: MINI.openAppid }]);
    await expect(emu.listenHttps({ key: ca.key, cert: ca.cert })).rejects.toThrow(TypeError);
    const port = emu.httpsAddress()!.port;
    await emu.close();
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});
