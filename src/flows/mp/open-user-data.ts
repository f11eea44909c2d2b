/**
 * Opens a mini program's `encryptedData` (and checks `rawData` + `signature` when sent) with a session_key, and
 * decides what a failure means. A wrong key and tampered bytes look the same to AES-CBC, so when the bytes do not
 * open we ask WeChat (`wxa/checksession`) whether the key is still current: stale → ERR_SESSION_KEY_STALE (the client
 * runs wx.login again and retries once); current → the data itself is bad.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 */
import { AppError, isAppError } from '../../errors.js';
import { decryptUserData, verifyRawDataSignature, type UserDataPayload } from '../../wechat/index.js';

export interface UserDataInput {
  encryptedData: string;
  iv: string;
  rawData?: string | undefined;
  signature?: string | undefined;
}

/** How to tell a stale key from bad data: ask WeChat, or (key fresh from code2session) assume the data is stale. */
export type StalenessCheck = () => Promise<boolean>;

const KEY_MISMATCH_CODES = new Set(['ERR_CRYPTO_DECRYPT', 'ERR_CRYPTO_PAYLOAD', 'ERR_CRYPTO_SIGNATURE']);

export async function openUserData(args: {
  appid: string;
  openid: string;
  sessionKey: string;
  input: UserDataInput;
  nowMs: number;
  maxAgeSeconds: number;
  isKeyCurrent: StalenessCheck;
  /** A failure is answered no sooner than this many ms after the call began (equal cost for every failure path). */
  failureFloorMs?: number;
}): Promise<UserDataPayload> {
  const { appid, openid, sessionKey, input } = args;
  const started = performance.now();
  try {
    if (input.rawData !== undefined && input.signature !== undefined) {
      verifyRawDataSignature({ rawData: input.rawData, signature: input.signature, sessionKey });
    }
    const payload = decryptUserData({
      appid,
      sessionKey,
      encryptedData: input.encryptedData,
      iv: input.iv,
      now: args.nowMs,
      maxAgeSeconds: args.maxAgeSeconds,
    });
    if (payload.openid !== openid) throw new AppError('ERR_CRYPTO_OPENID_MISMATCH');
    return payload;
  } catch (e) {
    const floor = args.failureFloorMs ?? 0;
    const wait = floor - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!isAppError(e) || !KEY_MISMATCH_CODES.has(e.code)) throw e;
    let current: boolean;
    try {
      current = await args.isKeyCurrent();
    } catch {
      current = false; // cannot tell: a fresh wx.login and one retry is harmless, a false "tampered" is not.
    }
    if (!current) throw new AppError('ERR_SESSION_KEY_STALE', { cause: e });
    // The key is current, so the bytes are bad. Bad padding and a padding that opens onto garbage must answer the
    // SAME code: telling them apart is a padding oracle, which lets a client encrypt a payload of its choosing
    // (another person's unionid) under its own session_key, one guessed byte at a time.
    if (e.code === 'ERR_CRYPTO_PAYLOAD') throw new AppError('ERR_CRYPTO_DECRYPT');
    throw e;
  }
}
