/**
 * Seals what `wx.getUserInfo` hands a mini program: encryptedData = AES-128-CBC + PKCS#7 with
 * key = base64decode(session_key) and a fresh 16-byte iv; rawData signed as sha1_hex(rawData + session_key)
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html). Written on node:crypto
 * directly — independent of src/wechat/crypto, so the client and the emulator cannot share a bug.
 */
import { createCipheriv, createHash } from 'node:crypto';

/** The profile part of getUserInfo: what `rawData` holds, in WeChat's field order. */
export interface UserProfile {
  nickName: string;
  gender: 0 | 1 | 2;
  language: string;
  city: string;
  province: string;
  country: string;
  avatarUrl: string;
}

export interface SealInput {
  profile: UserProfile;
  openId: string;
  /** Present only when the app is bound to an Open Platform account. */
  unionId?: string | undefined;
  appid: string;
  /** Watermark time, unix seconds. */
  timestamp: number;
  /** The person's current session_key for this app (base64, 24 chars). */
  sessionKey: string;
  /** 16 random bytes. */
  iv: Buffer;
}

export interface SealedUserInfo {
  encryptedData: string;
  iv: string;
  rawData: string;
  signature: string;
  userInfo: UserProfile;
}

/** Builds the sealed getUserInfo result. */
export function sealUserInfo(input: SealInput): SealedUserInfo {
  const key = Buffer.from(input.sessionKey, 'base64');
  if (key.length !== 16 || input.iv.length !== 16) throw new TypeError('sealUserInfo: session key and iv must be 16 bytes');
  const { nickName, gender, language, city, province, country, avatarUrl } = input.profile;
  const profile: UserProfile = { nickName, gender, language, city, province, country, avatarUrl }; // fixed field order
  const payload = {
    openId: input.openId,
    ...profile,
    ...(input.unionId === undefined ? {} : { unionId: input.unionId }),
    watermark: { timestamp: input.timestamp, appid: input.appid },
  };
  const cipher = createCipheriv('aes-128-cbc', key, input.iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  const rawData = JSON.stringify(profile);
  return {
    encryptedData: encrypted.toString('base64'),
    iv: input.iv.toString('base64'),
    rawData,
    signature: createHash('sha1')
      .update(rawData + input.sessionKey, 'utf8')
      .digest('hex'),
    userInfo: profile,
  };
}
