import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdMinter } from '../../src/emulator/ids.js';

describe('IdMinter', () => {
  const ids = new IdMinter((n) => randomBytes(n));

  it('openid() is 28 chars starting with o, stable per (person, appid), distinct across apps and persons', () => {
    const a = ids.openid('p_1', 'wxa');
    expect(a).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(ids.openid('p_1', 'wxa')).toBe(a);
    expect(ids.openid('p_1', 'wxb')).not.toBe(a);
    expect(ids.openid('p_2', 'wxa')).not.toBe(a);
    expect(ids.unionid('p_1', 'wxa')).not.toBe(a); // openid and unionid namespaces differ
  });

  it('reseed() changes every derived id', () => {
    const m = new IdMinter((n) => randomBytes(n));
    const before = m.openid('p_1', 'wxa');
    m.reseed();
    expect(m.openid('p_1', 'wxa')).not.toBe(before);
  });

  it('rid() is xxxxxxxx-xxxxxxxx-xxxxxxxx with the unix seconds first', () => {
    const rid = ids.rid(1_630_137_872_000);
    expect(rid).toMatch(/^6129ee10-[0-9a-f]{8}-[0-9a-f]{8}$/);
  });

  it('sessionKey(), code() and accessToken() have WeChat shapes', () => {
    expect(Buffer.from(ids.sessionKey(), 'base64')).toHaveLength(16);
    expect(ids.code()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(ids.accessToken()).toMatch(/^80_[A-Za-z0-9_-]{140}$/);
  });

  it('bytes() throws TypeError when the injected random returns too few bytes', () => {
    expect(() => new IdMinter(() => Buffer.alloc(1))).toThrow(TypeError);
  });
});
