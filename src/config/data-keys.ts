/**
 * The deployment's own keys: the at-rest key (AES-256-GCM, seals session_keys) and the session signing key (ES256 JWK).
 * Taken from config when given; otherwise generated once and kept in `<dataDir>/keys.json` (mode 0600), so a restart
 * keeps sessions and stored session_keys readable. Several instances must share them: give them in config then.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { AppError } from '../errors.js';
import type { Config } from './schema.js';

export interface DataKeys {
  atRestKey: Buffer;
  signingJwk: JWK;
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
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { atRestKey, signingJwk };
}
