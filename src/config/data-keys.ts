/**
 * The deployment's own keys: the at-rest key (AES-256-GCM, seals session_keys) and the session signing key (ES256 JWK).
 * Taken from config when given; otherwise generated once and kept in `<dataDir>/keys.json`, so a restart keeps
 * sessions and stored session_keys readable. Several instances must share them: give them in config then.
 *
 * File modes (issue #13): a data folder this creates is 0700; keys.json is written to a temporary file created 0600 and
 * renamed over, so it never exists with looser modes, not even half-written. An existing keys.json that group or others
 * may read or write is **refused** (ERR_KEYS_FILE_PERMISSIONS, naming the `chmod 600` to run) rather than quietly
 * tightened, as ssh refuses an unprotected private key: the keys may already have been copied, which only the operator
 * can judge (and then rotate them); fixing the mode silently would hide that. `keys.allowLooseKeysFile: true` is the
 * explicit opt-out (e.g. a secret mounted by a platform that cannot set modes). Not checked on Windows (no POSIX modes).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { AppError } from '../errors.js';
import type { Config } from './schema.js';

export interface DataKeys {
  atRestKey: Buffer;
  signingJwk: JWK;
  /**
   * True when the signing key came from `keys.signingJwk` (the operator chose it: a new one there is a rotation),
   * false when generated into keys.json (it only seeds an empty key table: sessions/signing-key-rotation.ts).
   */
  signingJwkFromConfig: boolean;
}

function parseAtRestKey(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || key.toString('base64') !== text) {
    throw new AppError('ERR_CONFIG_INVALID', { message: `${where}: atRestKey must be 32 bytes in standard base64` });
  }
  return key;
}

function parseJwk(text: string, where: string): JWK {
  try {
    const jwk = JSON.parse(text) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') throw new Error('not an EC P-256 private JWK');
    return jwk;
  } catch (e) {
    throw new AppError('ERR_CONFIG_INVALID', { message: `${where}: signingJwk must be an EC P-256 private JWK (${(e as Error).message})` });
  }
}

/** Loads the keys from config or `<dataDir>/keys.json`, creating the file on first start. */
export async function loadOrCreateDataKeys(config: Pick<Config, 'dataDir' | 'keys'>): Promise<DataKeys> {
  const file = path.join(config.dataDir, 'keys.json');
  let stored: { atRestKey?: string; signingJwk?: JWK } = {};
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0 && config.keys?.allowLooseKeysFile !== true) {
      throw new AppError('ERR_KEYS_FILE_PERMISSIONS', {
        message: `${file} has mode 0${mode.toString(8)}: group or others may read or write the keys. Run: chmod 600 ${shellQuote(path.resolve(file))} (and consider rotating the keys if others may have read them)`,
        details: { mode: `0${mode.toString(8)}` },
      });
    }
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
    } catch (e) {
      throw new AppError('ERR_CONFIG_INVALID', { message: `${file} is unreadable: ${(e as Error).message}` });
    }
  }
  let changed = false;
  let atRestKey: Buffer;
  if (config.keys?.atRestKey) atRestKey = parseAtRestKey(config.keys.atRestKey, 'keys.atRestKey');
  else if (stored.atRestKey) atRestKey = parseAtRestKey(stored.atRestKey, file);
  else {
    atRestKey = randomBytes(32);
    stored.atRestKey = atRestKey.toString('base64');
    changed = true;
  }
  let signingJwk: JWK;
  if (config.keys?.signingJwk) signingJwk = parseJwk(config.keys.signingJwk, 'keys.signingJwk');
  else if (stored.signingJwk) signingJwk = parseJwk(JSON.stringify(stored.signingJwk), file);
  else {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    signingJwk = await exportJWK(privateKey);
    stored.signingJwk = signingJwk;
    changed = true;
  }
  if (changed) {
    // Only a folder made here is set to 0700: an existing one (maybe `.`) is the operator's to choose.
    // (mkdirSync's mode is cut by the umask, hence the chmod.)
    if (mkdirSync(config.dataDir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(config.dataDir, 0o700);
    writePrivateFileAtomically(file, JSON.stringify(stored, null, 2));
  }
  return { atRestKey, signingJwk, signingJwkFromConfig: Boolean(config.keys?.signingJwk) };
}

/** Writes `text` to `file` through `<file>.<random>.tmp`, created exclusively with mode 0600, fsynced, then renamed. */
function writePrivateFileAtomically(file: string, text: string): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      fchmodSync(fd, 0o600); // exact, whatever the umask
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The path as one POSIX shell word, for the command the error tells the operator to run. */
function shellQuote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replaceAll("'", "'\\''")}'`;
}
