/** Small steps the e2e tests repeat: a wx.login code, the sealed user data, a login, a snapshot of what is stored. */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { storeSnapshot } from './no-writes.js';
import type { Stack } from './stack.js';

export interface UserData {
  encryptedData: string;
  iv: string;
  rawData: string;
  signature: string;
}

export async function wxLogin(stack: Stack, appid: string, person: string): Promise<string> {
  return (await stack.control<{ code: string }>('/__emulator/wx.login', { appid, person })).code;
}

export async function wxUserData(stack: Stack, appid: string, person: string): Promise<UserData> {
  return stack.control<UserData>('/__emulator/wx.getUserInfo', { appid, person });
}

export async function login(stack: Stack, appid: string, person: string, extra: Record<string, unknown> = {}) {
  const code = await wxLogin(stack, appid, person);
  return stack.api(`/v1/mp/${appid}/login`, { code, ...extra });
}

/** Seals an arbitrary payload the way WeChat does (AES-128-CBC, PKCS#7): a forging client, for negative tests. */
export function sealUserData(sessionKey: string, payload: unknown): UserData {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  const encryptedData = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]).toString('base64');
  const rawData = JSON.stringify({ nickName: 'x' });
  const signature = createHash('sha1')
    .update(rawData + sessionKey)
    .digest('hex');
  return { encryptedData, iv: iv.toString('base64'), rawData, signature };
}

/** Everything a failed request must leave untouched (no-writes.ts): row counts, events, jobs. */
export function snapshot(stack: Stack): Promise<string> {
  return storeSnapshot(stack.deps.store);
}

export async function personView(stack: Stack, person: string) {
  return stack.control<{ openids: Record<string, string>; unionids: Record<string, string> }>(`/__emulator/persons/${person}`, undefined, 'GET');
}
