/**
 * The mini program SDK's session renewal against the real weunion server and the emulator, as one suite every
 * framework adapter runs (next to mini-program-suite.ts, with its harness): an access token expires by moving the
 * stack's clock (the client's own clock still calls it fresh, so the server's 401 is what triggers the renewal), the
 * refresh token rotates at each `POST /v1/session/refresh`, a reused one revokes the session, and a merge at the
 * server shows up in the refreshed session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeUnionClientError } from '../../src/client/index.js';
import { rejection } from '../helpers/expect-error.js';
import { type Stack, startStack, trustDecryptedUnionids } from '../helpers/stack.js';
import type { Framework } from './frameworks.js';
import { harness } from './mini-program-suite.js';

const REFRESH = 'POST /v1/session/refresh';

/** Registers the refresh suite for one framework. */
export function refreshSuite(framework: Framework): void {
  describe(`mini program client over ${framework.name}: refresh and logout`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ unionidRule: 'current', configure: trustDecryptedUnionids });
    });
    afterAll(async () => {
      await stack?.close();
    });
    const login = () => `POST /v1/mp/${stack.apps.mp1}/login`;

    it('login() stores the refresh token with the session', async () => {
      const { client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      expect(r.refreshToken).toEqual(expect.any(String));
      expect(client.session()).toMatchObject({ token: r.token, refreshToken: r.refreshToken });
    });

    it('request() on an expired token refreshes without wx.login and retries once', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      stack.clock.advance(r.expiresIn + 60);
      wx.calls.length = 0;
      const me = await client.request({ url: '/v1/me' });
      expect(me).toMatchObject({ statusCode: 200, data: { userId: r.userId } });
      expect(wx.calls).toEqual(['GET /v1/me', REFRESH, 'GET /v1/me']);
      const s = client.session()!;
      expect(s.token).not.toBe(r.token);
      expect(s.refreshToken).toEqual(expect.any(String));
      expect(s.refreshToken).not.toBe(r.refreshToken); // rotated
      expect(s.userId).toBe(r.userId);
    });

    it('two concurrent requests on an expired token share one refresh', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      stack.clock.advance(r.expiresIn + 60);
      wx.calls.length = 0;
      const [a, b] = await Promise.all([client.request({ url: '/v1/me' }), client.request({ url: '/v1/me' })]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(wx.calls.filter((c) => c === REFRESH)).toHaveLength(1);
      expect(wx.calls.filter((c) => c === 'GET /v1/me')).toHaveLength(4);
      expect(wx.calls).not.toContain(login());
    });

    it('refresh() with a refresh token someone else already used clears the session and rejects ERR_CLIENT_SESSION_REVOKED', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      // A copy of the refresh token is used elsewhere first: the client's own use is then the reuse.
      expect((await stack.api('/v1/session/refresh', { refreshToken: r.refreshToken })).status).toBe(200);
      wx.calls.length = 0;
      const e = await rejection(client.refresh(), WeUnionClientError);
      expect(e).toMatchObject({ code: 'ERR_CLIENT_SESSION_REVOKED', status: 401 });
      expect(e.cause).toMatchObject({ code: 'ERR_REFRESH_REUSED' });
      expect(client.session()).toBeNull();
      expect(wx.calls).toEqual([REFRESH]); // no silent login behind the revocation's back
    });

    it('request() with the access token of a revoked session clears it and rejects ERR_CLIENT_SESSION_REVOKED', async () => {
      const { client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      expect((await stack.api('/v1/session/logout', { refreshToken: r.refreshToken })).status).toBe(204); // another device's logout
      const e = await rejection(client.request({ url: '/v1/me' }), WeUnionClientError);
      expect(e).toMatchObject({ code: 'ERR_CLIENT_SESSION_REVOKED', status: 401 });
      expect(e.cause).toMatchObject({ code: 'ERR_AUTH_REVOKED' });
      expect(client.session()).toBeNull();
    });

    it('request() falls back to a silent login for a session saved without a refresh token (older SDK)', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      const { refreshToken: _, ...old } = client.session()!;
      wx.storage.set('weunion:session', old);
      stack.clock.advance(r.expiresIn + 60);
      wx.calls.length = 0;
      const me = await client.request({ url: '/v1/me' });
      expect(me).toMatchObject({ statusCode: 200, data: { userId: r.userId } });
      expect(wx.calls).toEqual(['GET /v1/me', login(), 'GET /v1/me']);
      expect(client.session()?.refreshToken).toEqual(expect.any(String));
    });

    it('request() falls back to a silent login when the refresh token expired too', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      stack.clock.advance(stack.config.session.refreshTtlSeconds + 60);
      wx.calls.length = 0;
      const me = await client.request({ url: '/v1/me' });
      expect(me).toMatchObject({ statusCode: 200, data: { userId: r.userId } });
      expect(wx.calls).toEqual(['GET /v1/me', REFRESH, login(), 'GET /v1/me']);
    });

    it('logout() revokes the session at the server and clears storage', async () => {
      const { wx, client } = harness(framework, stack, await stack.createPerson(), 'mp1');
      const r = await client.login();
      expect(await client.logout()).toEqual({ revoked: true });
      expect(client.session()).toBeNull();
      expect(wx.storage.has('weunion:session')).toBe(false);
      expect((await stack.api('/v1/me', undefined, { token: r.token })).body).toMatchObject({ error: { code: 'ERR_AUTH_REVOKED' } });
      expect((await stack.api('/v1/session/refresh', { refreshToken: r.refreshToken })).body).toMatchObject({ error: { code: 'ERR_REFRESH_REVOKED' } });
    });

    it('logout() clears storage even when the server is down', async () => {
      const down = await startStack({ unionidRule: 'current' });
      const { wx, client } = harness(framework, down, await down.createPerson(), 'mp1');
      await client.login();
      await down.close();
      expect(await client.logout()).toEqual({ revoked: false });
      expect(client.session()).toBeNull();
      expect(wx.storage.has('weunion:session')).toBe(false);
    });

    it('after a merge at the server, the refreshed session carries the survivor', async () => {
      const legacy = await startStack({ unionidRule: 'legacy', configure: trustDecryptedUnionids });
      try {
        const person = await legacy.createPerson({ declinesUserInfo: true });
        const phone = harness(framework, legacy, person, 'mp1');
        const split = await phone.client.login(); // openid only
        await legacy.control(`/__emulator/persons/${person}`, { declinesUserInfo: false }, 'PATCH');
        const owner = await harness(framework, legacy, person, 'mp2').client.login(); // the unionid's owner
        expect(owner.userId).not.toBe(split.userId);
        await harness(framework, legacy, person, 'mp1').client.login(); // the same mini program elsewhere: merges
        expect(phone.client.session()?.userId).toBe(split.userId);

        const renewed = await phone.client.refresh();
        expect(renewed.userId).toBe(owner.userId);
        expect(phone.client.session()?.userId).toBe(owner.userId);
        const me = await phone.client.request({ url: '/v1/me' });
        expect(me).toMatchObject({ statusCode: 200, data: { userId: owner.userId } });
      } finally {
        await legacy.close();
      }
    });
  });
}
