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
      'WeChatHttp',
      'WeChatApiError',
      'WeChatTransportError',
      'WeChatStatusError',
      'WeChatBodyError',
      'WeChatTimeoutError',
      'errcodeToErrorCode',
      'code2Session',
      'checkSessionKey',
      'isStaleSessionKeyError',
      'createCodeExchanger',
      'createSingleFlight',
      'fetchAccessToken',
      'fetchStableAccessToken',
      'createAccessTokenManager',
      'MemoryTokenCache',
    ]) {
      expect(wechat, name).toHaveProperty(name);
    }
  });
});
