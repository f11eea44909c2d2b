/**
 * The web SDK's refresh in Node (its fetch and a memory storage injected) against the real weunion server and the
 * emulator: a session split from its person's unionid, merged at the server (the same in a real page:
 * web-merge-refresh.browser.test.ts), and sessions kept by an older SDK. The refresh endpoint is the same for every
 * app's session, so the split session comes from the mini program road.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorWx, createMiniProgramClient } from '../../../src/client/index.js';
import { type FetchLike, createWebClient, memoryStorage, type StorageLike } from '../../../src/client/web/index.js';
import { WeUnionClientError } from '../../../src/client/errors.js';
import { rejection } from '../../helpers/expect-error.js';
import { type Stack, startStack, trustDecryptedUnionids } from '../../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ unionidRule: 'legacy', configure: trustDecryptedUnionids });
});
afterAll(async () => {
  await stack?.close();
});

const KEY = 'weunion:web-session';
const mpClient = (person: string, app: 'mp1' | 'mp2') =>
  createMiniProgramClient({
    baseUrl: stack.serverUrl,
    appid: stack.apps[app],
    wx: createEmulatorWx({ emulatorUrl: stack.emulatorUrl, appid: stack.apps[app], person }),
  });
function webClientWith(session: unknown): { storage: StorageLike; web: ReturnType<typeof createWebClient> } {
  const storage = memoryStorage();
  storage.setItem(KEY, JSON.stringify(session));
  return { storage, web: createWebClient({ baseUrl: stack.serverUrl, fetch: globalThis.fetch as unknown as FetchLike, storage, EventSource: null }) };
}

describe('web client refresh()', () => {
  it('stores the survivor’s user id after a merge at the server', async () => {
    const person = await stack.createPerson({ declinesUserInfo: true });
    const split = await mpClient(person, 'mp1').login(); // openid only
    await stack.control(`/__emulator/persons/${person}`, { declinesUserInfo: false }, 'PATCH');
    const owner = await mpClient(person, 'mp2').login();
    const { storage, web } = webClientWith({ ...split, expiresAt: Date.now() + split.expiresIn * 1000 });
    await mpClient(person, 'mp1').login(); // the same mini program elsewhere: decrypts, merges the split user into the owner
    expect(web.session()?.userId).toBe(split.userId);

    const renewed = await web.refresh();
    expect(renewed).toMatchObject({ userId: owner.userId, openid: split.openid });
    expect(JSON.parse(storage.getItem(KEY)!)).toMatchObject({ userId: owner.userId, refreshToken: renewed.refreshToken });
    expect(renewed.refreshToken).not.toBe(split.refreshToken);
    expect(await web.request({ url: '/v1/me' })).toMatchObject({ status: 200, data: { userId: owner.userId } });
  });

  it('a session kept without a refresh token (older SDK) still loads; renewing it rejects ERR_CLIENT_LOGGED_OUT', async () => {
    const r = await mpClient(await stack.createPerson(), 'mp1').login();
    const { web } = webClientWith({ token: r.token, userId: r.userId, openid: r.openid, unionid: r.unionid, expiresAt: Date.now() + 60_000 });
    expect(web.session()).toMatchObject({ userId: r.userId });
    expect(await web.request({ url: '/v1/me' })).toMatchObject({ status: 200 });
    expect(await rejection(web.refresh(), WeUnionClientError)).toMatchObject({ code: 'ERR_CLIENT_LOGGED_OUT' });
    expect(await web.logout()).toEqual({ revoked: false });
    expect(web.session()).toBeNull();
  });

  it('request() with no session rejects ERR_CLIENT_LOGGED_OUT without a call', async () => {
    const calls: string[] = [];
    const web = createWebClient({
      baseUrl: stack.serverUrl,
      fetch: ((url: string, init: RequestInit) => (calls.push(url), fetch(url, init))) as unknown as FetchLike,
      storage: memoryStorage(),
      EventSource: null,
    });
    expect(await rejection(web.request({ url: '/v1/me' }), WeUnionClientError)).toMatchObject({ code: 'ERR_CLIENT_LOGGED_OUT' });
    expect(calls).toEqual([]);
  });
});
