/**
 * The package's public surface: what `import … from 'weunion'` and `'weunion/client'` give, used as a user would
 * (decryptUserData on WeChat's published vector, a signature check, buildApp + createEmulator wired together).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as client from '../src/client/index.js';
import * as weunion from '../src/index.js';

const vector = JSON.parse(readFileSync(new URL('./vectors/wxbizdatacrypt.json', import.meta.url), 'utf8'));

describe("'weunion' main entry", () => {
  it('exports the documented functions', () => {
    for (const name of [
      'decryptUserData',
      'verifyRawDataSignature',
      'buildApp',
      'createEmulator',
      'compose',
      'parseConfig',
      'AppError',
      'isAppError',
      'startService',
    ]) {
      expect(typeof (weunion as Record<string, unknown>)[name], name).toBe('function');
    }
  });
  it('decryptUserData() opens WeChat’s published sample; a wrong appid is a typed error', () => {
    const input = { appid: vector.appid, sessionKey: vector.sessionKey, encryptedData: vector.encryptedData, iv: vector.iv };
    expect(weunion.decryptUserData(input)).toMatchObject({ openid: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE', unionid: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA' });
    try {
      weunion.decryptUserData({ ...input, appid: 'wx0000000000000000' });
      expect.unreachable();
    } catch (e) {
      expect(weunion.isAppError(e, 'ERR_CRYPTO_WATERMARK_APPID')).toBe(true);
    }
  });
  it('verifyRawDataSignature() accepts WeChat’s published rawData sample and rejects a changed byte', () => {
    const rawData =
      '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}';
    const sessionKey = 'HyVFkGl5F5OQWJZZaNzBBg==';
    expect(weunion.verifyRawDataSignature({ rawData, sessionKey, signature: '75e81ceda165f4ffa64f4068af58c64b8f54b88c' })).toBe(true);
    expect(() =>
      weunion.verifyRawDataSignature({ rawData: rawData.replace('Band', 'Bond'), sessionKey, signature: '75e81ceda165f4ffa64f4068af58c64b8f54b88c' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_SIGNATURE' }));
  });
  it('package.json exports point at the compiled form of these entries', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.'].default).toBe('./dist/src/index.js');
    expect(pkg.exports['./client'].default).toBe('./dist/src/client/index.js');
    expect(existsSync(new URL('../src/index.ts', import.meta.url))).toBe(true);
    expect(existsSync(new URL('../src/client/index.ts', import.meta.url))).toBe(true);
  });
});

describe("'weunion/client' entry", () => {
  it('exports the SDK and the emulator-backed wx, and nothing that needs Node', () => {
    expect(typeof client.createMiniProgramClient).toBe('function');
    expect(typeof client.createEmulatorWx).toBe('function');
    const src = readFileSync(new URL('../src/client/mini-program-client.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/from 'node:/);
  });
});
