/**
 * Mini program extras end to end: the phone number behind a phone code, and the unionid disclosed after a payment
 * (linking an openid-only user, or merging it into the unionid's owner).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { rejectsWithoutWrites } from '../helpers/no-writes.js';

let stack: Stack;
afterEach(async () => stack?.close());

const phoneCode = async (person: string, appid: string = stack.apps.mp1) =>
  (await stack.control<{ code: string }>('/__emulator/wx.getPhoneNumber', { appid, person })).code;
const pay = (person: string, appid: string = stack.apps.mp1) =>
  stack.control<{ transactionId: string; mchId: string; outTradeNo: string }>('/__emulator/pay', { appid, person });

const rejects = (act: () => Promise<{ status: number; body: any }>, status: number, code: string, errcode?: number) =>
  rejectsWithoutWrites(stack.deps.store, act, status, code, errcode);

describe('POST /v1/mp/:appid/phone', () => {
  it('returns the person’s phone number and stores it on the live user', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    await stack.control(`/__emulator/persons/${p}`, { phoneNumber: '+86 13800138000' }, 'PATCH');
    const s = await login(stack, stack.apps.mp1, p);
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/phone`, { code: await phoneCode(p) }, { token: s.body.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // WeChat gives Chinese numbers bare and the country code as the number 86: weunion answers strings.
    expect(r.body).toEqual({ userId: s.body.userId, phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    const me = await stack.api('/v1/me', undefined, { token: s.body.token });
    expect(JSON.stringify(me.body)).toContain('13800138000');

    await stack.control(`/__emulator/persons/${p}`, { phoneNumber: '+1 4155550100' }, 'PATCH');
    const foreign = await stack.api(`/v1/mp/${stack.apps.mp1}/phone`, { code: await phoneCode(p) }, { token: s.body.token });
    expect(foreign.body).toEqual({ userId: s.body.userId, phoneNumber: '+14155550100', purePhoneNumber: '4155550100', countryCode: '1' });
    expect(JSON.stringify((await stack.api('/v1/me', undefined, { token: s.body.token })).body)).toContain('4155550100');
    // Each binding is a phone.bound event in the outbox (docs/events.md), on the live user.
    const bound = (await stack.deps.store.identity.listEvents()).filter((e) => e.type === 'phone.bound');
    expect(bound.map((e) => [e.userId, e.data.appid, e.data.purePhoneNumber])).toEqual([
      [s.body.userId, stack.apps.mp1, '13800138000'],
      [s.body.userId, stack.apps.mp1, '4155550100'],
    ]);
  });

  it('stores the phone on the survivor when the session’s user was merged', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ declinesUserInfo: true });
    const early = await login(stack, stack.apps.mp1, p); // openid only
    const app = await stack.api(`/v1/app/${stack.apps.app}/login`, {
      code: (await stack.control<{ code: string }>('/__emulator/app.login', { appid: stack.apps.app, person: p })).code,
    });
    expect((await login(stack, stack.apps.mp1, p)).body.userId).toBe(app.body.userId); // the merge
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/phone`, { code: await phoneCode(p) }, { token: early.body.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.userId).toBe(app.body.userId);
    const me = await stack.api('/v1/me', undefined, { token: app.body.token });
    expect(JSON.stringify(me.body)).toContain(r.body.purePhoneNumber);
  });

  it('accepts the button’s whole event detail', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const s = await login(stack, stack.apps.mp1, p);
    const detail = { errMsg: 'getPhoneNumber:ok', code: await phoneCode(p), encryptedData: 'AAAA', iv: 'BBBB', cloudID: 'x' };
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/phone`, detail, { token: s.body.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('a reused or unknown phone code → 400 ERR_WECHAT_CODE_INVALID (40029)', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const s = await login(stack, stack.apps.mp1, p);
    const code = await phoneCode(p);
    const path = `/v1/mp/${stack.apps.mp1}/phone`;
    expect((await stack.api(path, { code }, { token: s.body.token })).status).toBe(200);
    await rejects(() => stack.api(path, { code }, { token: s.body.token }), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
    await rejects(() => stack.api(path, { code: 'no-such-code' }, { token: s.body.token }), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
  });

  it('needs a session of this very app, and a well-formed body', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const s2 = await login(stack, stack.apps.mp2, p);
    const code = await phoneCode(p);
    const path = `/v1/mp/${stack.apps.mp1}/phone`;
    await rejects(() => stack.api(path, { code }), 401, 'ERR_AUTH_MISSING');
    await rejects(() => stack.api(path, { code }, { token: 'not.a.token' }), 401, 'ERR_AUTH_INVALID');
    await rejects(() => stack.api(path, { code }, { token: s2.body.token }), 403, 'ERR_AUTH_APP_MISMATCH');
    const s1 = await login(stack, stack.apps.mp1, p);
    await rejects(() => stack.api(path, {}, { token: s1.body.token }), 400, 'ERR_VALIDATION');
    await rejects(() => stack.api(path, { code, phoneNumber: '+1 555' }, { token: s1.body.token }), 400, 'ERR_VALIDATION');
    await rejects(() => stack.api(`/v1/mp/${stack.apps.oa}/phone`, { code }, { token: s1.body.token }), 400, 'ERR_APP_KIND');
    expect((await stack.api(path, { code }, { token: s1.body.token })).status).toBe(200); // the code was never spent
  });
});

describe('POST /v1/mp/:appid/paid-unionid', () => {
  it('legacy rule: links the unionid to an openid-only user (by transactionId)', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ declinesUserInfo: true });
    const s = await login(stack, stack.apps.mp1, p);
    expect(s.body.unionid).toBeNull();
    const { transactionId } = await pay(p);
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/paid-unionid`, { transactionId }, { token: s.body.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const view = await personView(stack, p);
    expect(r.body).toEqual({
      userId: s.body.userId,
      openid: s.body.openid,
      unionid: Object.values(view.unionids)[0],
      unionidConfirmed: true,
      isNewUser: false,
      token: expect.any(String),
      expiresIn: expect.any(Number),
      refreshToken: expect.any(String),
      refreshExpiresIn: expect.any(Number),
    });
    expect(await stack.deps.store.identity.counts()).toMatchObject({ users: 1, appIdentities: 1, unionIdentities: 1 });
    // Another app that learns the unionid now finds this user.
    const web = await stack.api(`/v1/app/${stack.apps.app}/login`, {
      code: (await stack.control<{ code: string }>('/__emulator/app.login', { appid: stack.apps.app, person: p })).code,
    });
    expect(web.body).toMatchObject({ userId: s.body.userId, isNewUser: false });
  });

  it('merges the openid-only user into the unionid’s owner (by mchId + outTradeNo); the old token resolves to it', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ declinesUserInfo: true });
    const s = await login(stack, stack.apps.mp1, p);
    const app = await stack.api(`/v1/app/${stack.apps.app}/login`, {
      code: (await stack.control<{ code: string }>('/__emulator/app.login', { appid: stack.apps.app, person: p })).code,
    });
    expect(app.body.userId).not.toBe(s.body.userId);

    const { mchId, outTradeNo } = await pay(p);
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/paid-unionid`, { mchId, outTradeNo }, { token: s.body.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ userId: app.body.userId, unionid: app.body.unionid, openid: s.body.openid });
    expect(r.body.token).not.toBe(s.body.token);
    expect((await stack.api('/v1/me', undefined, { token: s.body.token })).body.userId).toBe(app.body.userId);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ users: 2, liveUsers: 1, appIdentities: 2, unionIdentities: 1 });
  });

  it('a payment older than 5 minutes, or another person’s, is refused with WeChat’s errcode and nothing stored', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson();
    const q = await stack.createPerson();
    const s = await login(stack, stack.apps.mp1, p);
    const path = `/v1/mp/${stack.apps.mp1}/paid-unionid`;
    const theirs = await pay(q);
    const other = await rejects(() => stack.api(path, { transactionId: theirs.transactionId }, { token: s.body.token }), 422, 'ERR_UNIONID_UNAVAILABLE');
    expect(other.body.error.wechat.errcode).toBe(89300);
    const mine = await pay(p);
    await stack.control('/__emulator/clock', { advanceSeconds: 301 });
    await rejects(() => stack.api(path, { transactionId: mine.transactionId }, { token: s.body.token }), 422, 'ERR_UNIONID_UNAVAILABLE', 89300);
  });

  it('an unbound mini program → 422 ERR_UNIONID_UNAVAILABLE; bad sessions and bodies → typed 4xx', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const u = await login(stack, stack.apps.mpUnbound, p);
    const order = await pay(p, stack.apps.mpUnbound).catch(() => ({ transactionId: '4200000000000000000000000001' }));
    await rejects(
      () => stack.api(`/v1/mp/${stack.apps.mpUnbound}/paid-unionid`, { transactionId: order.transactionId }, { token: u.body.token }),
      422,
      'ERR_UNIONID_UNAVAILABLE',
    );
    const s = await login(stack, stack.apps.mp1, p);
    const path = `/v1/mp/${stack.apps.mp1}/paid-unionid`;
    await rejects(() => stack.api(path, { transactionId: '1' }), 401, 'ERR_AUTH_MISSING');
    await rejects(() => stack.api(path, { transactionId: '1' }, { token: u.body.token }), 403, 'ERR_AUTH_APP_MISMATCH');
    for (const body of [{}, { mchId: '1' }, { transactionId: '1', mchId: '1', outTradeNo: 'x' }, { transactionId: 'a b' }, { outTradeNo: 'x' }]) {
      await rejects(() => stack.api(path, body, { token: s.body.token }), 400, 'ERR_VALIDATION');
    }
  });
});
