import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as wechat from '../../src/wechat/index.js';

describe('src/wechat/index.ts', () => {
  it('re-exports the public surface', () => {
    for (const name of [
      'decodeStrictBase64',
      'decryptUserData',
      'rawDataSignature',
      'verifyRawDataSignature',
      'sessionKeySignature',
      'createMessageCrypt',
      'callbackSignature',
      'WeChatHttp',
      'WeChatApiError',
      'WeChatTransportError',
      'WeChatStatusError',
      'WeChatBodyError',
      'WeChatTimeoutError',
      'errcodeToErrorCode',
      'errcodeAdvice',
      'code2Session',
      'checkSessionKey',
      'isStaleSessionKeyError',
      'createCodeExchanger',
      'createSingleFlight',
      'fetchAccessToken',
      'fetchStableAccessToken',
      'getUserInfo',
      'createTempQrCode',
      'showQrCodeUrl',
      'exchangeOAuthCode',
      'getOAuthUserInfo',
      'createOAuthCodeExchanger',
      'openPush',
      'parseCallbackXml',
      'buildReplyXml',
      'getPhoneNumber',
      'getPaidUnionid',
      'createAccessTokenManager',
      'createUrlTokenSource',
      'MemoryTokenCache',
    ]) {
      expect(wechat, name).toHaveProperty(name);
    }
  });
});

describe("'weunion' main entry", () => {
  it('exports createMessageCrypt, which opens the §6.7 vector', async () => {
    const weunion = await import('../../src/index.js');
    const v = JSON.parse(readFileSync(new URL('../vectors/msg-crypt.json', import.meta.url), 'utf8')).messages[0];
    const crypt = weunion.createMessageCrypt({ token: v.token, encodingAesKey: v.encodingAesKey, appid: v.appid });
    expect(crypt.signature(v.timestamp, v.nonce, v.encrypt)).toBe(v.msgSignature);
    expect(crypt.decrypt(v.encrypt)).toBe(v.plaintext);
    expect(crypt.encrypt(v.plaintext, { random: v.random })).toBe(v.encrypt);
  });
});
