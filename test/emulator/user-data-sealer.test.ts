import { createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealUserInfo } from '../../src/emulator/user-data-sealer.js';

const profile = {
  nickName: 'Band',
  gender: 1 as const,
  language: 'zh_CN',
  city: 'Guangzhou',
  province: 'Guangdong',
  country: 'CN',
  avatarUrl: 'http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0',
};

describe('sealUserInfo()', () => {
  it('sealUserInfo() signs rawData as in the official vector (docs/wechat-api.md §7.2)', () => {
    const sealed = sealUserInfo({
      profile,
      openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
      appid: 'wx4f4bc4dec97d474b',
      timestamp: 1477314187,
      sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==',
      iv: Buffer.alloc(16, 7),
    });
    expect(sealed.rawData).toBe(JSON.stringify(profile));
    expect(sealed.signature).toBe('75e81ceda165f4ffa64f4068af58c64b8f54b88c');
  });

  it('sealUserInfo() output decrypts with AES-128-CBC under the session key and the returned iv', () => {
    const sessionKey = 'tiihtNczf5v6AKRyjwEUhQ==';
    const sealed = sealUserInfo({
      profile,
      openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
      unionId: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA',
      appid: 'wx4f4bc4dec97d474b',
      timestamp: 1477314187,
      sessionKey,
      iv: Buffer.from('r7BXXKkLb8qrSNn05n0qiA==', 'base64'),
    });
    expect(sealed.iv).toBe('r7BXXKkLb8qrSNn05n0qiA==');
    const d = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(sealed.iv, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(sealed.encryptedData, 'base64')), d.final()]).toString('utf8');
    // The same JSON layout as the official demo plaintext.
    expect(plain).toBe(
      `{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE",${JSON.stringify(profile).slice(1, -1)},"unionId":"ocMvos6NjeKLIBqg5Mr9QjxrP1FA","watermark":{"timestamp":1477314187,"appid":"wx4f4bc4dec97d474b"}}`,
    );
    expect(sealed.signature).toBe(
      createHash('sha1')
        .update(sealed.rawData + sessionKey)
        .digest('hex'),
    );
  });

  it('sealUserInfo() throws TypeError for a key or iv that is not 16 bytes', () => {
    const base = { profile, openId: 'o', appid: 'a', timestamp: 0, sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==', iv: Buffer.alloc(16) };
    expect(() => sealUserInfo({ ...base, sessionKey: 'c2hvcnQ=' })).toThrow(TypeError);
    expect(() => sealUserInfo({ ...base, iv: Buffer.alloc(8) })).toThrow(TypeError);
  });
});
