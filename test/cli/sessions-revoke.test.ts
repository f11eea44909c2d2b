/**
 * `weunion sessions revoke --user <id>` as a process, on the PostgreSQL a running instance uses: the instance's
 * access token and refresh token of that person stop at once (ERR_AUTH_REVOKED / ERR_REFRESH_REVOKED); `--help`
 * never acts; a missing --user is refused.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';
import { type RouteApp, startRouteApp } from '../helpers/route-app.js';
import { APPS } from '../helpers/test-apps.js';

const pg = await postgresAvailable();

// Needs PostgreSQL (two processes share it); under CI=true postgresAvailable() throws instead of skipping.
describe.runIf(pg)('weunion sessions revoke (a process)', () => {
  let schema: TestSchema;
  let h: RouteApp;
  let dir: string;
  beforeAll(async () => {
    schema = await createTestSchema();
    h = await startRouteApp({ configure: (c) => ({ ...c, storage: schema.url, migrations: 'auto' }) });
    dir = mkdtempSync(path.join(tmpdir(), 'weunion-revoke-'));
    writeFileSync(
      path.join(dir, 'weunion.config.json'),
      JSON.stringify({ storage: schema.url, dataDir: path.join(dir, 'data'), apps: [{ appid: APPS.mp, secret: 's', kind: 'miniprogram', union: null }] }),
    );
  });
  afterAll(async () => {
    await h?.close();
    await schema?.drop();
  });

  it('revokes every session of the user; others stay', async () => {
    const a = await h.session(APPS.mp, 'o-cli-1');
    const issued = await h.deps.sessions.issue({ userId: a.userId, appid: APPS.mp, openid: 'o-cli-1' });
    const other = await h.session(APPS.mp, 'o-cli-2');
    const help = await runCli(['sessions', 'revoke', '--user', a.userId, '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.out).toContain('example:');
    expect((await h.call('GET', '/v1/me', { token: a.token })).status).toBe(200);
    const missing = await runCli(['sessions', 'revoke'], { cwd: dir });
    expect(missing.code).toBe(1);
    const run = await runCli(['sessions', 'revoke', '--user', a.userId], { cwd: dir });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('revoked 2 session(s)');
    expect((await h.call('GET', '/v1/me', { token: a.token })).body.error.code).toBe('ERR_AUTH_REVOKED');
    const refresh = await h.call('POST', '/v1/session/refresh', { body: { refreshToken: issued.refreshToken } });
    expect(refresh.body.error.code).toBe('ERR_REFRESH_REVOKED');
    expect((await h.call('GET', '/v1/me', { token: other.token })).status).toBe(200);
  });
});
