/**
 * `weunion emulator --https` as a process: a local CA made on first run and reused on the next, an HTTPS listener
 * that a client trusting that CA reaches (and one that does not trust it cannot), sharing state with the HTTP one.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';

const OA = { appid: 'wxoahttps0000001', secret: 'https-secret', kind: 'officialAccount', openAppid: 'wxopenhttps00001' };

/** GET over HTTPS with node's own client; `ca` undefined = the system's trust store only. */
function httpsGet(url: string, ca: Buffer | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function startHttps(cwd: string, caDir: string) {
  const run = await runCli(['emulator', '--seed', 'seed.json', '--https', '--ca-dir', caDir], {
    cwd,
    env: { EMULATOR_PORT: '0', EMULATOR_HTTPS_PORT: '0' },
    until: /control API/,
  });
  expect(run.code, run.err).toBeNull();
  const httpsUrl = /^HTTPS: (https:\/\/\S+)/m.exec(run.out)?.[1];
  const httpUrl = /on (http:\/\/\S+)/.exec(run.out)?.[1];
  const caPath = /CA certificate: (\S+) \((created now|reused)/.exec(run.out);
  expect(httpsUrl && httpUrl && caPath, run.out).toBeTruthy();
  return { run, httpsUrl: httpsUrl!, httpUrl: httpUrl!, caPath: caPath![1]!, created: caPath![2] === 'created now' };
}

describe('weunion emulator --https', () => {
  it('makes a local CA, serves /cgi-bin/token over HTTPS to a client that trusts it, refuses one that does not; a second run reuses the CA', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-https-'));
    writeFileSync(path.join(cwd, 'seed.json'), JSON.stringify({ apps: [OA], persons: [] }));
    const caDir = path.join(cwd, 'ca');

    const first = await startHttps(cwd, caDir);
    let firstCa: Buffer;
    try {
      expect(first.created).toBe(true);
      expect(first.caPath).toBe(path.join(caDir, 'ca.crt'));
      expect(first.run.out).toMatch(/NODE_EXTRA_CA_CERTS=\S+ca\.crt/);
      expect(first.run.out).toMatch(/REQUESTS_CA_BUNDLE=\S+ca\.crt/);
      expect(first.run.out).toMatch(/keytool -importcert .*-file \S+ca\.crt/);
      expect(first.run.out).not.toMatch(/BEGIN/); // no PEM, above all no key, on the terminal
      expect(statSync(path.join(caDir, 'ca.key')).mode & 0o077).toBe(0);
      expect(statSync(path.join(caDir, 'server.key')).mode & 0o077).toBe(0);
      firstCa = readFileSync(first.caPath);

      const tokenPath = `/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=${OA.secret}`;
      const token = await httpsGet(`${first.httpsUrl}${tokenPath}`, firstCa);
      expect(token.status).toBe(200);
      expect(JSON.parse(token.body)).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
      // The certificate names localhost too, so a library that builds https://localhost:… URLs verifies.
      const byName = await httpsGet(`${first.httpsUrl.replace('127.0.0.1', 'localhost')}/__emulator/apps`, firstCa);
      expect(JSON.parse(byName.body)).toEqual([{ appid: OA.appid, kind: 'officialAccount', openAppid: OA.openAppid }]);

      await expect(httpsGet(`${first.httpsUrl}${tokenPath}`, undefined)).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/),
      });

      // One emulator behind both listeners: a person made over HTTP is there over HTTPS.
      const made = await fetch(`${first.httpUrl}/__emulator/persons`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"Ann"}',
      });
      const { id } = (await made.json()) as { id: string };
      expect(JSON.parse((await httpsGet(`${first.httpsUrl}/__emulator/persons/${id}`, firstCa)).body)).toMatchObject({ id, name: 'Ann' });
    } finally {
      first.run.child.kill('SIGTERM');
      await first.run.exited;
    }

    const second = await startHttps(cwd, caDir);
    try {
      expect(second.created).toBe(false);
      expect(second.run.out).toMatch(/\(reused;/);
      expect(readFileSync(second.caPath)).toEqual(firstCa);
      const token = await httpsGet(`${second.httpsUrl}/cgi-bin/token?grant_type=client_credential&appid=${OA.appid}&secret=${OA.secret}`, firstCa);
      expect(token.status).toBe(200);
    } finally {
      second.run.child.kill('SIGTERM');
      await second.run.exited;
    }
  }, 60_000);

  it('--ca-dir without --https is refused, acting on nothing', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-https-'));
    const run = await runCli(['emulator', '--ca-dir', 'ca'], { cwd, env: { EMULATOR_PORT: '0' } });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/--ca-dir and --https-port go with --https/);
  });
});
