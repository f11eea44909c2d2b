import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorWx, type WxError, type WxRequestResult, type WxUserData } from '../../../src/client/index.js';
import { startFakeWeUnion, type FakeWeUnion } from '../fake-weunion.js';

let fake: FakeWeUnion;
beforeAll(async () => {
  fake = await startFakeWeUnion();
});
afterAll(async () => {
  await fake.close();
});

/** Runs a callback-style wx call and resolves with which callback fired. */
function call<T>(fn: (cb: { success(r: T): void; fail(e: WxError): void }) => void) {
  return new Promise<{ ok: true; res: T } | { ok: false; err: WxError }>((resolve) =>
    fn({ success: (res) => resolve({ ok: true, res }), fail: (err) => resolve({ ok: false, err }) }),
  );
}

describe('createEmulatorWx()', () => {
  it('login() yields a code minted by the emulator for the person', async () => {
    const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person: fake.createPerson() });
    const r = await call<{ code: string }>((cb) => wx.login(cb));
    expect(r).toMatchObject({ ok: true, res: { code: expect.stringMatching(/^code/) } });
  });

  it('getUserInfo() yields the sealed data for a consenting person', async () => {
    const person = fake.createPerson();
    const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person });
    const r = await call<WxUserData>((cb) => wx.getUserInfo(cb));
    expect(r).toMatchObject({ ok: true, res: { encryptedData: `sealed:${person}:1`, iv: 'iv' } });
  });

  it('getUserInfo() and getUserProfile() fail with "auth deny" when the emulator answers 403', async () => {
    const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person: fake.createPerson({ declinesUserInfo: true }) });
    expect(await call<WxUserData>((cb) => wx.getUserInfo(cb))).toEqual({ ok: false, err: { errMsg: 'getUserInfo:fail auth deny' } });
    expect(await call<WxUserData>((cb) => wx.getUserProfile({ desc: 'x', ...cb }))).toEqual({
      ok: false,
      err: { errMsg: 'getUserProfile:fail auth deny' },
    });
  });

  it('login() fails with an errMsg when the emulator is unreachable', async () => {
    const wx = createEmulatorWx({ emulatorUrl: 'http://127.0.0.1:1', appid: 'wxa', person: 'p' });
    const r = await call<{ code: string }>((cb) => wx.login(cb));
    expect(r.ok).toBe(false);
  });

  it('request() sends JSON, parses JSON answers and turns GET data into a query string', async () => {
    const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person: 'p' });
    const post = await call<WxRequestResult>((cb) =>
      wx.request({ url: `${fake.url}/v1/mp/wxa/login`, method: 'POST', data: { code: 'nope' }, header: { 'content-type': 'application/json' }, ...cb }),
    );
    expect(post).toMatchObject({ ok: true, res: { statusCode: 400, data: { error: { code: 'ERR_WECHAT_CODE_INVALID' } } } });
    fake.log.length = 0;
    const get = await call<WxRequestResult>((cb) => wx.request({ url: `${fake.url}/v1/me`, data: { a: 1 }, ...cb }));
    expect(get).toMatchObject({ ok: true, res: { statusCode: 401, data: { error: { code: 'ERR_AUTH_MISSING' } } } });
    expect(fake.log).toEqual(['GET /v1/me']);
  });

  it('request() calls fail when nothing answers', async () => {
    const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person: 'p' });
    const r = await call<WxRequestResult>((cb) => wx.request({ url: 'http://127.0.0.1:1/x', ...cb }));
    expect(r.ok).toBe(false);
  });

  it('storage reads a missing key as "" and stores copies in the given Map', () => {
    const storage = new Map<string, unknown>();
    const wx = createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person: 'p', storage });
    expect(wx.getStorageSync('k')).toBe('');
    const value = { a: 1 };
    wx.setStorageSync('k', value);
    value.a = 2;
    expect(storage.get('k')).toEqual({ a: 1 });
    wx.removeStorageSync('k');
    expect(storage.has('k')).toBe(false);
  });

  it('createEmulatorWx() throws TypeError without an appid or person', () => {
    expect(() => createEmulatorWx({ emulatorUrl: fake.url, appid: '', person: 'p' })).toThrow(TypeError);
    expect(() => createEmulatorWx({ emulatorUrl: fake.url, appid: 'wxa', person: '' })).toThrow(TypeError);
  });
});
