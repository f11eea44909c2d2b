/**
 * A local certificate authority for the emulator's HTTPS listener (issue #15): several WeChat SDKs build only
 * `https://` URLs, so the emulator must speak TLS with a certificate the client can be told to trust. On first use it
 * creates, in one directory, a CA (`ca.key`, `ca.crt`, 10 years) and a server certificate signed by it for
 * `localhost`, `127.0.0.1` and `::1` (`server.key`, `server.crt`, 825 days — the most Apple's clients accept); later
 * runs reuse them, so a client trusts the CA once. Node has no API to sign an X.509 certificate, so the `openssl`
 * binary does it (no new dependency). The keys never leave the directory (0600 files in a 0700 directory); only
 * paths are printed.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

/** The names the server certificate is valid for. */
export const LOCAL_CA_SERVER_NAMES = Object.freeze(['localhost', '127.0.0.1', '::1']);

export interface LocalCa {
  readonly dir: string;
  /** The CA certificate to trust (PEM): NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, keytool -importcert… */
  readonly caCertPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  /** True when this call made the CA (false: an existing one was reused). */
  readonly created: boolean;
  /** PEM contents, for `https.createServer({ key, cert })` and for a test client's `ca:`. */
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface LocalCaOptions {
  /** The openssl binary (default `openssl` on PATH). */
  openssl?: string;
  /** Now, for the validity check of an existing server certificate (default the system clock). */
  now?: () => Date;
}

/**
 * Reuses the CA in `dir`, or creates it; re-issues the server certificate when it is missing, expires within a day or
 * is not signed by that CA.
 * @example
 *   const ca = ensureLocalCa('.weunion/emulator-ca');
 *   https.createServer({ key: ca.key, cert: ca.cert }, handler); // clients: NODE_EXTRA_CA_CERTS=<ca.caCertPath>
 */
export function ensureLocalCa(dir: string, options: LocalCaOptions = {}): LocalCa {
  const openssl = options.openssl ?? 'openssl';
  const now = options.now ?? (() => new Date());
  const at = (name: string) => path.join(dir, name);
  try {
    if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dir, 0o700);
  } catch (e) {
    throw new AppError('ERR_EMULATOR_TLS', { message: `Could not create the emulator's CA directory ${dir}: ${(e as Error).message}`, cause: e });
  }

  const created = !(existsSync(at('ca.key')) && existsSync(at('ca.crt')));
  if (created) createCa(openssl, dir);
  const caCert = new X509Certificate(readFileSync(at('ca.crt')));
  if (!serverCertUsable(at, caCert, now())) issueServerCert(openssl, dir);

  return Object.freeze({
    dir,
    caCertPath: at('ca.crt'),
    serverCertPath: at('server.crt'),
    serverKeyPath: at('server.key'),
    created,
    ca: readFileSync(at('ca.crt')),
    cert: readFileSync(at('server.crt')),
    key: readFileSync(at('server.key')),
  });
}

function serverCertUsable(at: (name: string) => string, caCert: X509Certificate, now: Date): boolean {
  if (!existsSync(at('server.crt')) || !existsSync(at('server.key'))) return false;
  const cert = new X509Certificate(readFileSync(at('server.crt')));
  const dayAhead = now.getTime() + 86_400_000;
  return cert.verify(caCert.publicKey) && new Date(cert.validTo).getTime() > dayAhead && cert.checkHost('localhost') !== undefined;
}

/** P-256 keys: fast to make, accepted by Node, Python, Java 8+ and browsers. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function createCa(openssl: string, dir: string): void {
  const extensions = ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'];
  run(openssl, dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '3650',
    '-subj',
    `/O=weunion/CN=weunion emulator local CA ${new Date().toISOString().slice(0, 10)}`,
    ...extensions.flatMap((e) => ['-addext', e]),
  ]);
  chmodSync(path.join(dir, 'ca.key'), 0o600);
  rmSync(path.join(dir, 'server.crt'), { force: true }); // a server cert of a former CA is useless now
}

function issueServerCert(openssl: string, dir: string): void {
  const san = LOCAL_CA_SERVER_NAMES.map((n) => (n.includes('.') || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(
    path.join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san}`,
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  run(openssl, dir, ['req', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/O=weunion/CN=localhost']);
  chmodSync(path.join(dir, 'server.key'), 0o600);
  run(openssl, dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-out',
    'server.crt',
    '-days',
    '825',
    '-extfile',
    'server.ext',
  ]);
  rmSync(path.join(dir, 'server.csr'), { force: true });
  rmSync(path.join(dir, 'server.ext'), { force: true });
}

function run(openssl: string, cwd: string, args: string[]): void {
  try {
    execFileSync(openssl, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const detail = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    throw new AppError('ERR_EMULATOR_TLS', { message: `Could not make the emulator's local CA in ${cwd} with "${openssl}": ${detail}`, cause: e });
  }
}
