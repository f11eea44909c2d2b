/**
 * Signing-key rotation through HTTP (issue 13, "Sessions"), on SQLite and PostgreSQL: a login, `weunion keys rotate`
 * run as a process against the same database, a login again — both tokens verify with jose against the served JWKS
 * (createRemoteJWKSet, as a business backend would) and through `GET /v1/me`; a refresh after the rotation is signed
 * with the new key; once the old key's tokens have all expired (virtual clock) it leaves the JWKS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../helpers/postgres.js';
import { type RouteApp, startRouteApp } from '../../helpers/route-app.js';
import { byCode } from '../../helpers/scripted-wechat.js';
import { APPS } from '../../helpers/test-apps.js';

const KEY = Buffer.alloc(16, 7).toString('base64');
const pg = await postgresAvailable();

for (const backend of ['sqlite', 'postgres'] as const) {
  // PostgreSQL runs only where it is reachable; under CI=true postgresAvailable() throws instead of skipping.
  describe.skipIf(backend === 'postgres' && !pg)(`signing-key rotation (${backend})`, () => {
    let schema: TestSchema | undefined;
    let h: RouteApp;
    let dir: string;
    let url: string;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'weunion-rotate-'));
      if (backend === 'postgres') schema = await createTestSchema();
      const storage = schema?.url ?? `sqlite:${path.join(dir, 'w.db')}`;
      h = await startRouteApp({
        configure: (c) => ({ ...c, storage, migrations: 'auto' }),
        script: {
          code2Session: byCode({ 'code-1': { openid: 'o-rot-1', sessionKey: KEY }, 'code-2': { openid: 'o-rot-2', sessionKey: KEY } }),
        },
      });
      url = await h.listen();
      // The CLI reads the instance's database with the instance's keys.
      writeFileSync(
        path.join(dir, 'weunion.config.json'),
        JSON.stringify({ storage, dataDir: path.join(dir, 'data'), keys: h.config.keys, unions: h.config.unions, apps: h.config.apps }),
      );
    });
    afterAll(async () => {
      await h?.close();
      await schema?.drop();
    });

    /** Verifies as a business backend does: the served JWKS (fetched afresh), the issuer, its appid as audience. */
    const verifyOffline = (token: string) =>
      jwtVerify(token, createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)), {
        issuer: 'weunion',
        audience: APPS.mp,
        currentDate: new Date(h.clock.now()),
      });
    const servedKids = async () => ((await h.call('GET', '/.well-known/jwks.json')).body.keys as Array<{ kid: string }>).map((k) => k.kid).sort();
    const login = (code: string) => h.call('POST', `/v1/mp/${APPS.mp}/login`, { body: { code } });
    const me = (token: string) => h.call('GET', '/v1/me', { token });

    it('tokens of the old and the new key both verify; the old key leaves the JWKS after its tokens expired', async () => {
      const first = await login('code-1');
      expect(first.status).toBe(200);
      const oldKid = decodeProtectedHeader(first.body.token).kid!;
      expect(await servedKids()).toEqual([oldKid]);

      const rotated = await runCli(['keys', 'rotate'], { cwd: dir });
      expect(rotated.err).toBe('');
      expect(rotated.code).toBe(0);
      const newKid = /active signing key: (\S+)/.exec(rotated.out)![1]!;
      // The instance follows within session.keyCacheSeconds.
      h.clock.advance(h.config.session.keyCacheSeconds + 1);

      const second = await login('code-2');
      expect(second.status).toBe(200);
      expect(decodeProtectedHeader(second.body.token).kid).toBe(newKid);
      expect(await servedKids()).toEqual([oldKid, newKid].sort());
      for (const r of [first, second]) {
        const { payload } = await verifyOffline(r.body.token);
        expect(payload.sub).toBe(r.body.userId);
        const answer = await me(r.body.token);
        expect(answer.status).toBe(200);
        expect(answer.body.userId).toBe(r.body.userId);
      }
      // A session from before the rotation refreshes into a token of the new key.
      const refreshed = await h.call('POST', '/v1/session/refresh', { body: { refreshToken: first.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      expect(decodeProtectedHeader(refreshed.body.token).kid).toBe(newKid);
      expect((await verifyOffline(refreshed.body.token)).payload.sub).toBe(first.body.userId);

      // Every token the old key signed has expired (an instance could sign with it keyCacheSeconds after the rotation).
      h.clock.advance(h.config.session.ttlSeconds);
      expect(await servedKids()).toEqual([newKid]);
      const old = await me(first.body.token);
      expect(old.status).toBe(401);
      expect(old.body.error.code).toBe('ERR_AUTH_EXPIRED');
      await expect(verifyOffline(first.body.token)).rejects.toThrow();
      const later = await h.call('POST', '/v1/session/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
      expect((await verifyOffline(later.body.token)).protectedHeader.kid).toBe(newKid);
      expect((await me(later.body.token)).status).toBe(200);
    });
  });
}
