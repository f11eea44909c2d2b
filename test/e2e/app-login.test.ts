/**
 * Mobile app login end to end: an OpenSDK code (from the emulator) → POST /v1/app/:appid/login → a session on the
 * same user the person has in the other apps; every failure leaves the store as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { rejectsWithoutWrites } from '../helpers/no-writes.js';

let stack: Stack;
afterEach(async () => stack?.close());

const appCode = async (person: string, appid: string = stack.apps.app) =>
  (await stack.control<{ code: string }>('/__emulator/app.login', { appid, person })).code;
const appLogin = (code: unknown, appid: string = stack.apps.app) => stack.api(`/v1/app/${appid}/login`, { code });

const rejects = (act: () => Promise<{ status: number; body: any }>, status: number, code: string, errcode?: number) =>
  rejectsWithoutWrites(stack.deps.store, act, status, code, errcode);

describe('POST /v1/app/:appid/login', () => {
  it('answers the login shape with the unionid, and finds the mini program user (current rule)', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const p = await stack.createPerson();
    const mp = await login(stack, stack.apps.mp1, p);
    const r = await appLogin(await appCode(p));
    expect(r.status).toBe(200);
    const view = await personView(stack, p);
    expect(r.body).toEqual({
      userId: mp.body.userId,
      openid: view.openids[stack.apps.app],
      unionid: mp.body.unionid,
      unionidConfirmed: true,
      isNewUser: false,
      token: expect.any(String),
      expiresIn: expect.any(Number),
      refreshToken: expect.any(String),
      refreshExpiresIn: expect.any(Number),
    });
    const me = await stack.api('/v1/me', undefined, { token: r.body.token });
    expect(me.body.userId).toBe(mp.body.userId);
  });

  it('legacy rule: a first app login creates the user, and the authorisation makes code2session disclose the unionid', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson();
    const app = await appLogin(await appCode(p));
    expect(app.body).toMatchObject({ isNewUser: true, unionid: expect.any(String) });
    const mp = await login(stack, stack.apps.mp2, p);
    expect(mp.body).toMatchObject({ userId: app.body.userId, unionid: app.body.unionid, isNewUser: false });
    const again = await appLogin(await appCode(p));
    expect(again.body).toMatchObject({ userId: app.body.userId, isNewUser: false });
  });

  it('an unknown code → 400 ERR_WECHAT_CODE_INVALID (40029)', async () => {
    stack = await startStack();
    await rejects(() => appLogin('no-such-code'), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
  });

  it('a reused code → 400 ERR_WECHAT_CODE_USED (40163)', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const code = await appCode(p);
    expect((await appLogin(code)).status).toBe(200);
    await rejects(() => appLogin(code), 400, 'ERR_WECHAT_CODE_USED', 40163);
  });

  it('a code older than 10 minutes → 40029', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const code = await appCode(p);
    await stack.control('/__emulator/clock', { advanceSeconds: 601 });
    await rejects(() => appLogin(code), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
  });

  it('bad requests: wrong app kind, unknown app, malformed body → typed 4xx, nothing stored', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const code = await appCode(p);
    await rejects(() => appLogin(code, stack.apps.mp1), 400, 'ERR_APP_KIND');
    await rejects(() => appLogin(code, stack.apps.web), 400, 'ERR_APP_KIND');
    await rejects(() => appLogin(code, 'wxnosuchapp0000000'), 404, 'ERR_APP_UNKNOWN');
    await rejects(() => appLogin(''), 400, 'ERR_VALIDATION');
    await rejects(() => appLogin(42), 400, 'ERR_VALIDATION');
    await rejects(() => stack.api(`/v1/app/${stack.apps.app}/login`, { code, extra: true }), 400, 'ERR_VALIDATION');
    expect((await appLogin(code)).status).toBe(200); // none of the above spent the code
  });
});
