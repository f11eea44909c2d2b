/**
 * Refresh tokens through HTTP (issue 13, "Sessions"), on SQLite and PostgreSQL: the login answer carries a refresh
 * token; refreshing rotates it; a rotated token sent again revokes the whole family (its access tokens too);
 * logout and revoke-all end sessions; a merged person's session refreshes to the survivor; forged, expired and
 * malformed refresh tokens are typed errors that change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byCode } from '../../helpers/scripted-wechat.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../helpers/postgres.js';
import { type RouteApp, startRouteApp } from '../../helpers/route-app.js';
import { APPS, UNION } from '../../helpers/test-apps.js';

const KEY = Buffer.alloc(16, 7).toString('base64');
const pg = await postgresAvailable();

for (const backend of ['sqlite', 'postgres'] as const) {
  // PostgreSQL runs only where it is reachable; under CI=true postgresAvailable() throws instead of skipping.
  describe.skipIf(backend === 'postgres' && !pg)(`refresh tokens (${backend})`, () => {
    let schema: TestSchema | undefined;
    let h: RouteApp;
    beforeAll(async () => {
      if (backend === 'postgres') schema = await createTestSchema();
      h = await startRouteApp({
        configure: (c) => (schema ? { ...c, storage: schema.url, migrations: 'auto' } : c),
        script: { code2Session: byCode({ 'code-1': { openid: 'o-login', sessionKey: KEY } }) },
      });
    });
    afterAll(async () => {
      await h?.close();
      await schema?.drop();
    });

    /** A fresh session for a new person of the mini program. */
    async function login(openid: string, unionid?: string) {
      const app = h.config.apps.find((a) => a.appid === APPS.mp)!;
      const { userId } = await h.deps.identity.resolve({ unionKey: app.union, appid: APPS.mp, openid, unionid: unionid ?? null });
      return { userId, ...(await h.deps.sessions.issue({ userId, appid: APPS.mp, openid })) };
    }
    const refresh = (refreshToken: unknown) => h.call('POST', '/v1/session/refresh', { body: { refreshToken } });
    const me = (token: string) => h.call('GET', '/v1/me', { token });

    it('a login answers a short access token and a refresh token; refresh rotates it', async () => {
      const r = await h.call('POST', `/v1/mp/${APPS.mp}/login`, { body: { code: 'code-1' } });
      expect(r.status).toBe(200);
      expect(r.body.expiresIn).toBe(900);
      expect(r.body.refreshToken).toMatch(/^wrt1\./);
      const next = await refresh(r.body.refreshToken);
      expect(next.status).toBe(200);
      expect(next.body).toMatchObject({ userId: r.body.userId, openid: 'o-login', isNewUser: false, expiresIn: 900 });
      expect(next.body.refreshToken).not.toBe(r.body.refreshToken);
      expect((await me(next.body.token)).status).toBe(200);
      expect((await refresh(next.body.refreshToken)).status).toBe(200);
    });

    it('a rotated refresh token sent again revokes the family: its refresh and access tokens stop', async () => {
      const s = await login('o-reuse');
      const first = await refresh(s.refreshToken);
      expect(first.status).toBe(200);
      const again = await refresh(s.refreshToken);
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('ERR_REFRESH_REUSED');
      // The thief's and the owner's copies both die.
      expect((await refresh(first.body.refreshToken)).body.error.code).toBe('ERR_REFRESH_REVOKED');
      expect((await me(first.body.token)).body.error.code).toBe('ERR_AUTH_REVOKED');
      expect((await me(s.token)).body.error.code).toBe('ERR_AUTH_REVOKED');
    });

    it('logout revokes the session; other sessions of the person stay', async () => {
      const a = await login('o-logout');
      const other = await h.deps.sessions.issue({ userId: a.userId, appid: APPS.mp, openid: 'o-logout' });
      const out = await h.call('POST', '/v1/session/logout', { body: { refreshToken: a.refreshToken } });
      expect(out.status).toBe(204);
      expect((await me(a.token)).body.error.code).toBe('ERR_AUTH_REVOKED');
      expect((await refresh(a.refreshToken)).body.error.code).toBe('ERR_REFRESH_REVOKED');
      expect((await me(other.token)).status).toBe(200);
    });

    it('revoke-all ends every session of the person, also those of users merged into them', async () => {
      const a = await login('o-all-1');
      const b = await h.deps.sessions.issue({ userId: a.userId, appid: APPS.mp, openid: 'o-all-1' });
      const stranger = await login('o-all-stranger');
      expect(await h.deps.sessions.revokeUser(a.userId)).toBe(2);
      for (const token of [a.token, b.token]) expect((await me(token)).body.error.code).toBe('ERR_AUTH_REVOKED');
      expect((await refresh(b.refreshToken)).body.error.code).toBe('ERR_REFRESH_REVOKED');
      expect((await me(stranger.token)).status).toBe(200);
    });

    it("after a merge, refreshing the merged user's session gives a token for the survivor", async () => {
      const loser = await login('o-merge-mp');
      // The same person, known by unionid through the official account, then the mini program learns that unionid.
      const { userId: owner } = await h.deps.identity.resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-merge-oa', unionid: 'U-merge' });
      const merged = await h.deps.identity.resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-merge-mp', unionid: 'U-merge' });
      expect(merged.mergedUserIds.length).toBe(1);
      const survivor = merged.userId;
      expect([loser.userId, owner]).toContain(survivor);
      const r = await refresh(loser.refreshToken);
      expect(r.status).toBe(200);
      expect(r.body.userId).toBe(survivor);
      expect(r.body.unionid).toBe('U-merge');
      const claims = await h.deps.sessions.verify(r.body.token);
      expect(claims.userId).toBe(survivor);
      // Revoke-all given the merged id reaches the survivor's sessions.
      const merger = merged.mergedUserIds[0]!;
      expect(await h.deps.sessions.revokeUser(merger)).toBeGreaterThanOrEqual(1);
      expect((await me(r.body.token)).body.error.code).toBe('ERR_AUTH_REVOKED');
    });

    it('forged, expired and malformed refresh tokens are typed errors that revoke nothing', async () => {
      const s = await login('o-bad');
      const forged = `wrt1.${Buffer.alloc(32, 1).toString('base64url')}`;
      expect((await refresh(forged)).body.error.code).toBe('ERR_REFRESH_INVALID');
      for (const bad of ['nope', `${s.refreshToken}x`, s.refreshToken.slice(0, -1), `wrt1.${'!'.repeat(43)}`]) {
        const r = await refresh(bad);
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('ERR_REFRESH_INVALID');
      }
      for (const body of [{}, { refreshToken: 42 }, { refreshToken: s.refreshToken, extra: 1 }]) {
        const r = await h.call('POST', '/v1/session/refresh', { body });
        expect(r.status).toBe(400);
        expect(r.body.error.code).toBe('ERR_VALIDATION');
        expect(r.text).not.toContain(s.refreshToken);
      }
      expect((await h.call('POST', '/v1/session/logout', { body: { refreshToken: forged } })).body.error.code).toBe('ERR_REFRESH_INVALID');
      // Nothing above touched the real session.
      expect((await me(s.token)).status).toBe(200);
      h.clock.advance(h.config.session.refreshTtlSeconds + 1);
      const late = await refresh(s.refreshToken);
      expect(late.status).toBe(401);
      expect(late.body.error.code).toBe('ERR_REFRESH_EXPIRED');
      expect((await me(s.token)).body.error.code).toBe('ERR_AUTH_EXPIRED');
    });
  });
}
