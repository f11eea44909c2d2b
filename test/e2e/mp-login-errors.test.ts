/**
 * Every failure the mini program routes can meet, through the real server and emulator: each answers its stable
 * code (with WeChat's errcode kept where there is one) and leaves the store exactly as it was.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/errors.js';
import { login, personView, sealUserData, wxLogin, wxUserData } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { rejectsWithoutWrites } from '../helpers/no-writes.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    unionidRule: 'legacy',
    configure: (c) => ({ ...c, wechat: { ...c.wechat, timeoutMs: 400 } }),
  });
});
afterAll(async () => stack.close());
beforeEach(async () => {
  await stack.control('/__emulator/faults', undefined, 'DELETE');
});

/** Runs `act`, expects `status` + `code`, and that the store did not change. */
const rejects = (act: () => Promise<{ status: number; body: any }>, status: number, code: string, errcode?: number) =>
  rejectsWithoutWrites(stack.deps.store, act, status, code, errcode);

const mp1 = () => stack.apps.mp1;
const loginPath = () => `/v1/mp/${mp1()}/login`;

describe('code failures (WeChat errcodes)', () => {
  it('an unknown code → 400 ERR_WECHAT_CODE_INVALID (40029)', async () => {
    await rejects(() => stack.api(loginPath(), { code: 'no-such-code' }), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
  });
  it('a reused code → 400 ERR_WECHAT_CODE_USED (40163)', async () => {
    const p = await stack.createPerson();
    const code = await wxLogin(stack, mp1(), p);
    expect((await stack.api(loginPath(), { code })).status).toBe(200);
    await rejects(() => stack.api(loginPath(), { code }), 400, 'ERR_WECHAT_CODE_USED', 40163);
  });
  it('a code older than 5 minutes → 40029', async () => {
    const p = await stack.createPerson();
    const code = await wxLogin(stack, mp1(), p);
    await stack.control('/__emulator/clock', { advanceSeconds: 301 });
    await rejects(() => stack.api(loginPath(), { code }), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
  });
  it('a code minted for another app → 40029', async () => {
    const p = await stack.createPerson();
    const code = await wxLogin(stack, stack.apps.mp2, p);
    await rejects(() => stack.api(loginPath(), { code }), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
  });
  it('a risk-blocked person → 403 ERR_WECHAT_CODE_BLOCKED (40226)', async () => {
    const p = await stack.createPerson({ riskBlocked: true });
    await rejects(async () => login(stack, mp1(), p), 403, 'ERR_WECHAT_CODE_BLOCKED', 40226);
  });
  it('the 101st exchange of one person within a minute → 429 ERR_WECHAT_RATE_LIMITED (45011)', async () => {
    const p = await stack.createPerson();
    for (let i = 0; i < 100; i++) expect((await login(stack, mp1(), p)).status).toBe(200);
    await rejects(async () => login(stack, mp1(), p), 429, 'ERR_WECHAT_RATE_LIMITED', 45011);
    await stack.control('/__emulator/clock', { advanceSeconds: 61 });
    expect((await login(stack, mp1(), p)).status).toBe(200);
  });
});

describe('upstream faults', () => {
  it('-1 once is retried and the login succeeds', async () => {
    const p = await stack.createPerson();
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', errcode: -1, count: 1 });
    expect((await login(stack, mp1(), p)).status).toBe(200);
  });
  it('-1 that persists → 503 ERR_WECHAT_BUSY', async () => {
    const p = await stack.createPerson();
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', errcode: -1, count: 10 });
    await rejects(async () => login(stack, mp1(), p), 503, 'ERR_WECHAT_BUSY', -1);
  });
  it('HTTP 500 → 502 ERR_WECHAT_HTTP_STATUS', async () => {
    const p = await stack.createPerson();
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', status: 500, count: 1 });
    await rejects(async () => login(stack, mp1(), p), 502, 'ERR_WECHAT_HTTP_STATUS');
  });
  it('a dropped connection → 503 ERR_WECHAT_UNREACHABLE', async () => {
    const p = await stack.createPerson();
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', drop: true, count: 1 });
    await rejects(async () => login(stack, mp1(), p), 503, 'ERR_WECHAT_UNREACHABLE');
  });
  it('an unreadable body → 502 ERR_WECHAT_BAD_RESPONSE', async () => {
    const p = await stack.createPerson();
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', body: '{"openid": tru', count: 1 });
    await rejects(async () => login(stack, mp1(), p), 502, 'ERR_WECHAT_BAD_RESPONSE');
  });
  it('no answer within wechat.timeoutMs → 503 ERR_WECHAT_TIMEOUT', async () => {
    const p = await stack.createPerson();
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', delayMs: 1500, count: 1 });
    await rejects(async () => login(stack, mp1(), p), 503, 'ERR_WECHAT_TIMEOUT');
  });
});

describe('request validation', () => {
  it.each([
    ['no code', {}],
    ['code of the wrong type', { code: 42 }],
    ['encryptedData without iv', { code: 'c', encryptedData: 'AAAA' }],
    ['rawData without signature', { code: 'c', rawData: '{}' }],
    ['an unknown field', { code: 'c', extra: 1 }],
    ['a 10 kB code', { code: 'x'.repeat(10_000) }],
  ])('%s → 400 ERR_VALIDATION', async (_name, body) => {
    await rejects(() => stack.api(loginPath(), body), 400, 'ERR_VALIDATION');
  });
  it('malformed JSON → 400 ERR_VALIDATION', async () => {
    await rejects(
      async () => {
        const res = await fetch(stack.serverUrl + loginPath(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":' });
        return { status: res.status, body: await res.json() };
      },
      400,
      'ERR_VALIDATION',
    );
  });
  it('a body over 64 KiB → 413 ERR_PAYLOAD_TOO_LARGE', async () => {
    await rejects(() => stack.api(loginPath(), { code: 'c', encryptedData: 'A'.repeat(70_000), iv: 'x' }), 413, 'ERR_PAYLOAD_TOO_LARGE');
  });
  it('an unknown appid → 404 ERR_APP_UNKNOWN; an official account on the mini program route → 400 ERR_APP_KIND', async () => {
    await rejects(() => stack.api('/v1/mp/wxnosuchapp/login', { code: 'c' }), 404, 'ERR_APP_UNKNOWN');
    await rejects(() => stack.api(`/v1/mp/${stack.apps.oa}/login`, { code: 'c' }), 400, 'ERR_APP_KIND');
  });
});

describe('POST /v1/mp/:appid/unionid failures', () => {
  /** A fresh openid-only login in mp1 (legacy rule: no unionid yet). */
  async function openidSession() {
    const p = await stack.createPerson();
    const r = await login(stack, mp1(), p);
    expect(r.body.unionid).toBeNull();
    const view = await personView(stack, p);
    return { p, token: r.body.token as string, openid: r.body.openid as string, view };
  }
  const unionidPath = () => `/v1/mp/${mp1()}/unionid`;

  it('auth: missing → 401 ERR_AUTH_MISSING, garbage → ERR_AUTH_INVALID, another app’s token → 403', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    await rejects(() => stack.api(unionidPath(), data), 401, 'ERR_AUTH_MISSING');
    await rejects(() => stack.api(unionidPath(), data, { token: 'not.a.jwt' }), 401, 'ERR_AUTH_INVALID');
    const other = await login(stack, stack.apps.mp2, s.p);
    await rejects(() => stack.api(unionidPath(), data, { token: other.body.token }), 403, 'ERR_AUTH_APP_MISMATCH');
  });
  it('an expired session token → 401 ERR_AUTH_EXPIRED', async () => {
    const s = await openidSession();
    await stack.control('/__emulator/clock', { advanceSeconds: 7201 });
    await rejects(async () => stack.api(unionidPath(), await wxUserData(stack, mp1(), s.p), { token: s.token }), 401, 'ERR_AUTH_EXPIRED');
  });
  it('a rotated session_key → 409 ERR_SESSION_KEY_STALE (WeChat’s checksession says 87009)', async () => {
    const s = await openidSession();
    await stack.control(`/__emulator/persons/${s.p}/rotate-session-key`, { appid: mp1() });
    await rejects(async () => stack.api(unionidPath(), await wxUserData(stack, mp1(), s.p), { token: s.token }), 409, 'ERR_SESSION_KEY_STALE');
  });
  it('tampered ciphertext (key still current) → 400 ERR_CRYPTO_DECRYPT, never STALE', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    const bytes = Buffer.from(data.encryptedData, 'base64');
    bytes[bytes.length - 20]! ^= 0x55;
    await rejects(() => stack.api(unionidPath(), { ...data, encryptedData: bytes.toString('base64') }, { token: s.token }), 400, 'ERR_CRYPTO_DECRYPT');
  });
  it('a wrong iv (padding intact, JSON garbled) → the same 400 ERR_CRYPTO_DECRYPT', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    await rejects(() => stack.api(unionidPath(), { ...data, iv: Buffer.alloc(16, 7).toString('base64') }, { token: s.token }), 400, 'ERR_CRYPTO_DECRYPT');
  });
  it('no padding oracle: 256 last-byte guesses of a padding attack all answer the same code and message', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    const ct = Buffer.from(data.encryptedData, 'base64');
    // The classic attack on a two-block message: vary the last byte of the first block. Some guess always turns the
    // second block's last byte into 0x01 (valid padding, garbage JSON); every other guess has bad padding.
    const answers = new Set<string>();
    for (let g = 0; g < 256; g++) {
      const forged = Buffer.from(ct.subarray(0, 32));
      forged[15] = g;
      const r = await stack.api(unionidPath(), { ...data, encryptedData: forged.toString('base64') }, { token: s.token });
      if (r.status !== 200) answers.add(`${r.status} ${r.body.error.code} ${r.body.error.message}`);
    }
    expect([...answers]).toEqual([`400 ERR_CRYPTO_DECRYPT ${ERROR_CATALOG.ERR_CRYPTO_DECRYPT.message}`]);
  });
  it('whitespace-damaged base64 → 400 ERR_CRYPTO_BASE64', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    await rejects(
      () => stack.api(unionidPath(), { ...data, encryptedData: `${data.encryptedData.replace(/\+/g, ' ')} ` }, { token: s.token }),
      400,
      'ERR_CRYPTO_BASE64',
    );
  });
  it('a watermark of another app → 400 ERR_CRYPTO_WATERMARK_APPID', async () => {
    const s = await openidSession();
    const key = stack.emulator.state.sessionKey(s.p, mp1())!;
    const forged = sealUserData(key, {
      openId: s.openid,
      unionId: 'oForged',
      watermark: { appid: stack.apps.mp2, timestamp: Math.floor(stack.clock.now() / 1000) },
    });
    await rejects(() => stack.api(unionidPath(), forged, { token: s.token }), 400, 'ERR_CRYPTO_WATERMARK_APPID');
  });
  it('data of another WeChat user sealed with this key → 400 ERR_CRYPTO_OPENID_MISMATCH', async () => {
    const s = await openidSession();
    const key = stack.emulator.state.sessionKey(s.p, mp1())!;
    const forged = sealUserData(key, {
      openId: 'oSomeoneElse000000000000000',
      unionId: 'oForged',
      watermark: { appid: mp1(), timestamp: Math.floor(stack.clock.now() / 1000) },
    });
    await rejects(() => stack.api(unionidPath(), forged, { token: s.token }), 400, 'ERR_CRYPTO_OPENID_MISMATCH');
  });
  it('a watermark older than userData.maxAgeSeconds → 400 ERR_CRYPTO_WATERMARK_STALE', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    await stack.control('/__emulator/clock', { advanceSeconds: 601 });
    await rejects(() => stack.api(unionidPath(), data, { token: s.token }), 400, 'ERR_CRYPTO_WATERMARK_STALE');
  });
  it('a rawData signature that does not match (key current) → 400 ERR_CRYPTO_SIGNATURE', async () => {
    const s = await openidSession();
    const data = await wxUserData(stack, mp1(), s.p);
    await rejects(() => stack.api(unionidPath(), { ...data, signature: '0'.repeat(40) }, { token: s.token }), 400, 'ERR_CRYPTO_SIGNATURE');
  });
});
