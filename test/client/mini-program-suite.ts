/**
 * The mini program SDK against the real weunion server and the WeChat emulator, over HTTP, as one suite every
 * framework adapter runs (wx itself, uni-app, Taro): the harness records the weunion paths at the `wx` the emulator
 * plays, and `framework.client` builds the SDK over that `wx` as the framework would present it (test/client/
 * frameworks.ts). Staleness is produced the way WeChat produces it: the emulator rotates the person's session_key
 * between the moment the server stored one and the moment wx sealed the data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorWx, WeUnionClientError, type EmulatorWx, type LoginStrategy, type MiniProgramClient, type WxLike } from '../../src/client/index.js';
import { rejection } from '../helpers/expect-error.js';
import { type Stack, startStack, trustDecryptedUnionids } from '../helpers/stack.js';
import type { Framework } from './frameworks.js';

export type AppKey = 'mp1' | 'mp2' | 'mpUnbound';

export interface Harness {
  wx: EmulatorWx & { calls: string[] };
  client: MiniProgramClient;
}

/** An emulator wx that records the weunion paths it requests; `beforeUserData` runs before each data prompt. */
export function harness(
  framework: Framework,
  stack: Stack,
  person: string,
  app: AppKey,
  opts: { strategy?: LoginStrategy; beforeUserData?: (n: number) => Promise<void>; afterUserData?: (n: number) => Promise<void> } = {},
): Harness {
  const appid = stack.apps[app];
  const inner = createEmulatorWx({ emulatorUrl: stack.emulatorUrl, appid, person });
  const calls: string[] = [];
  let prompts = 0;
  const wx: EmulatorWx & { calls: string[] } = {
    ...inner,
    calls,
    storage: inner.storage,
    request(o) {
      calls.push(`${o.method ?? 'GET'} ${new URL(o.url).pathname}`);
      return inner.request(o);
    },
    getUserInfo(o) {
      const n = ++prompts;
      calls.push('wx.getUserInfo');
      void (opts.beforeUserData?.(n) ?? Promise.resolve()).then(() =>
        inner.getUserInfo({
          ...o,
          success: (r) => void (opts.afterUserData?.(n) ?? Promise.resolve()).then(() => o.success?.(r)),
        }),
      );
    },
  };
  const client = framework.client({ baseUrl: stack.serverUrl, appid, wx: wx as WxLike, ...(opts.strategy ? { strategy: opts.strategy } : {}) });
  return { wx, client };
}

async function rotate(stack: Stack, person: string, app: AppKey): Promise<void> {
  await stack.control(`/__emulator/persons/${person}/rotate-session-key`, { appid: stack.apps[app] });
}

/** Registers the suite for one framework. */
export function miniProgramClientSuite(framework: Framework): void {
  describe(`mini program client over ${framework.name} against the legacy unionid rule`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ unionidRule: 'legacy' });
    });
    afterAll(async () => {
      await stack?.close();
    });
    const login = (app: AppKey) => `POST /v1/mp/${stack.apps[app]}/login`;
    const unionid = (app: AppKey) => `POST /v1/mp/${stack.apps[app]}/unionid`;

    it('login() takes the decrypt road when code2session omits the unionid', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      expect(r.unionid).toEqual(expect.any(String));
      expect(r).toMatchObject({ isNewUser: true, unionidDeclined: false, unionidUnavailable: false });
      expect(wx.calls).toEqual([login('mp1'), 'wx.getUserInfo', unionid('mp1')]);
      expect(client.session()).toMatchObject({ token: r.token, userId: r.userId, openid: r.openid, unionid: r.unionid });
    });

    it('request() sends the stored token and /v1/me answers for the logged-in user', async () => {
      const { client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      const me = await client.request({ url: '/v1/me' });
      expect(me.statusCode).toBe(200);
      expect((me.data as { userId: string }).userId).toBe(r.userId);
    });

    it('login() keeps the openid login when the user refuses', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson({ declinesUserInfo: true }), 'mp1');
      const r = await client.login();
      expect(r).toMatchObject({ unionid: null, unionidDeclined: true, isNewUser: true });
      expect(wx.calls).toEqual([login('mp1'), 'wx.getUserInfo']);
      expect(client.session()?.token).toBe(r.token);
    });

    it('login() reports unionidUnavailable for a mini program bound to no Open Platform account', async () => {
      const { client } = harness(framework, stack, await stack.createPerson(), 'mpUnbound');
      const r = await client.login();
      expect(r).toMatchObject({ unionid: null, unionidUnavailable: true, unionidDeclined: false });
    });

    it('login() retries once from wx.login when the session_key rotated before the data was sealed', async () => {
      const person = await stack.createPerson();
      const { wx, client } = harness(framework, stack, person, 'mp1', {
        beforeUserData: async (n) => {
          if (n === 1) await rotate(stack, person, 'mp1');
        },
      });
      const r = await client.login();
      expect(r.unionid).toEqual(expect.any(String));
      expect(wx.calls).toEqual([login('mp1'), 'wx.getUserInfo', unionid('mp1'), login('mp1'), 'wx.getUserInfo', unionid('mp1')]);
    });

    it('login() surfaces ERR_SESSION_KEY_STALE when the retry is stale too', async () => {
      const person = await stack.createPerson();
      const { wx, client } = harness(framework, stack, person, 'mp1', { beforeUserData: () => rotate(stack, person, 'mp1') });
      const e = await rejection(client.login(), WeUnionClientError);
      expect(e).toMatchObject({ code: 'ERR_SESSION_KEY_STALE', status: 409 });
      expect(wx.calls.filter((c) => c === unionid('mp1'))).toHaveLength(2);
      expect(client.session()).toMatchObject({ unionid: null });
    });

    it('requestUnionId() with a decrypted unionid another user holds answers unionidUnconfirmed and keeps the openid login', async () => {
      const person = await stack.createPerson({ declinesUserInfo: true });
      const mp1 = harness(framework, stack, person, 'mp1');
      const first = await mp1.client.login();
      expect(first.unionidDeclined).toBe(true);
      await stack.control(`/__emulator/persons/${person}`, { declinesUserInfo: false }, 'PATCH');
      const mp2 = harness(framework, stack, person, 'mp2');
      const owner = await mp2.client.login(); // its decrypted unionid nobody owned: linked, as a claim
      expect(owner).toMatchObject({ unionidConfirmed: false });
      expect(owner.userId).not.toBe(first.userId);

      const held = await mp1.client.requestUnionId();
      expect(held).toMatchObject({ userId: first.userId, unionid: null, unionidUnconfirmed: true });
      expect(mp1.client.session()?.userId).toBe(first.userId);
    });

    it('requestUnionId() merges the openid-only user into the unionid owner from another mini program, when the apps are trusted', async () => {
      const trusted = await startStack({ unionidRule: 'legacy', configure: trustDecryptedUnionids });
      try {
        const person = await trusted.createPerson({ declinesUserInfo: true });
        const mp1 = harness(framework, trusted, person, 'mp1');
        const first = await mp1.client.login();
        expect(first.unionidDeclined).toBe(true);
        await trusted.control(`/__emulator/persons/${person}`, { declinesUserInfo: false }, 'PATCH');
        const mp2 = harness(framework, trusted, person, 'mp2');
        const owner = await mp2.client.login();
        expect(owner.userId).not.toBe(first.userId);

        const merged = await mp1.client.requestUnionId();
        expect(merged).toMatchObject({ userId: owner.userId, unionid: owner.unionid, isNewUser: false, unionidConfirmed: true });
        expect(mp1.client.session()?.userId).toBe(owner.userId);
      } finally {
        await trusted.close();
      }
    });

    it('request() renews the session once on 401 ERR_AUTH_EXPIRED (refresh-suite.ts has the rest)', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      // Only the server's clock moves: the client still believes its token is fresh.
      stack.clock.advance(r.expiresIn + 60);
      wx.calls.length = 0;
      const me = await client.request({ url: '/v1/me' });
      expect(me.statusCode).toBe(200);
      expect(wx.calls).toEqual(['GET /v1/me', 'POST /v1/session/refresh', 'GET /v1/me']);
      expect(client.session()?.token).not.toBe(r.token);
    });

    it('server-decides login() sends code and data in one request', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1', { strategy: 'server-decides' });
      const r = await client.login();
      expect(r.unionid).toEqual(expect.any(String));
      expect(wx.calls).toEqual(['wx.getUserInfo', login('mp1')]);
    });

    it('server-decides login() starts once more from wx.login when the data is stale', async () => {
      const person = await stack.createPerson();
      const { wx, client } = harness(framework, stack, person, 'mp1', {
        strategy: 'server-decides',
        afterUserData: async (n) => {
          if (n === 1) await rotate(stack, person, 'mp1');
        },
      });
      const r = await client.login();
      expect(r.unionid).toEqual(expect.any(String));
      expect(wx.calls).toEqual(['wx.getUserInfo', login('mp1'), 'wx.getUserInfo', login('mp1')]);
    });

    it('server-decides login() logs in by openid when the user refuses', async () => {
      const { client } = harness(framework, stack, await stack.createPerson({ declinesUserInfo: true }), 'mp1', { strategy: 'server-decides' });
      const r = await client.login();
      expect(r).toMatchObject({ unionid: null, unionidDeclined: true });
    });

    it('server-decides login() reports unionidUnavailable for a mini program bound to no Open Platform account', async () => {
      const { client } = harness(framework, stack, await stack.createPerson(), 'mpUnbound', { strategy: 'server-decides' });
      const r = await client.login();
      expect(r).toMatchObject({ unionid: null, unionidUnavailable: true, unionidDeclined: false });
    });
  });

  describe(`mini program client over ${framework.name} against the current unionid rule`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ unionidRule: 'current', rotateSessionKeyOnLogin: true });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('login() makes one request when code2session has the unionid', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      expect(r.unionid).toEqual(expect.any(String));
      expect(wx.calls).toEqual([`POST /v1/mp/${stack.apps.mp1}/login`]);
    });

    it('server-decides login() succeeds while every wx.login rotates the session_key', async () => {
      const { client } = harness(framework, stack, await stack.createPerson(), 'mp2', { strategy: 'server-decides' });
      expect((await client.login()).unionid).toEqual(expect.any(String));
    });
  });
}
