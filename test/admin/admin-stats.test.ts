/**
 * `GET /v1/admin/stats` through HTTP on SQLite and PostgreSQL: users by state, unionid coverage per app, merges per
 * day and the job queue — and a key limited to one union sees its union's figures only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPS, UNION } from '../helpers/test-apps.js';
import type { RouteApp } from '../helpers/route-app.js';
import { adminBackends, BETA_MP, KEYS } from './admin-app.js';

describe.each(await adminBackends())('admin stats on %s', (_name, make) => {
  let api: RouteApp;
  beforeEach(async () => {
    api = await make();
  });
  afterEach(async () => api.close());
  const stats = async (key: string) => {
    const r = await api.call('GET', '/v1/admin/stats', { token: key });
    expect(r.status).toBe(200);
    return r.body;
  };

  it('counts users, coverage and merges, and keeps a union-limited key to its union', async () => {
    const resolve = api.deps.identity.resolve;
    await resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-mp-1' });
    await resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-oa-1', unionid: 'un-1' });
    await resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-mp-1', unionid: 'un-1' }); // merges the two
    await resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-mp-2' }); // openid only
    await resolve({ unionKey: 'beta', appid: BETA_MP, openid: 'o-beta-1', unionid: 'un-b1' });

    const all = await stats(KEYS.read);
    expect(all.union).toBeNull();
    expect(all.users).toEqual({ live: 3, merged: 1, erased: 0 });
    const mp = all.apps.find((a: { appid: string }) => a.appid === APPS.mp);
    expect(mp).toMatchObject({ identities: 2, withUnionid: 1, coverage: 0.5, union: UNION });
    expect(all.apps.find((a: { appid: string }) => a.appid === BETA_MP)).toMatchObject({ identities: 1, withUnionid: 1, coverage: 1 });
    expect(all.mergesPerDay).toHaveLength(14);
    expect(all.mergesPerDay.at(-1).merges).toBe(1);
    expect(all.mergesPerDay.reduce((n: number, d: { merges: number }) => n + d.merges, 0)).toBe(1);
    expect(all.jobs).toEqual(expect.objectContaining({ pending: expect.any(Number) }));

    const beta = await stats(KEYS.beta);
    expect(beta.union).toBe('beta');
    expect(beta.apps.map((a: { appid: string }) => a.appid)).toEqual([BETA_MP]);
    expect(beta.users).toEqual({ live: 1, merged: null, erased: null });
    expect(beta.mergesPerDay.reduce((n: number, d: { merges: number }) => n + d.merges, 0)).toBe(0);
    expect(beta.jobs).toBeNull();
    const acme = await stats(KEYS.acme);
    expect(acme.users.live).toBe(2);
    expect(acme.mergesPerDay.at(-1).merges).toBe(1);
  });

  it('counts an admin merge in its union’s merges', async () => {
    const a = (await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-adm-mp' })).userId;
    const b = (await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-adm-oa' })).userId;
    const r = await api.call('POST', '/v1/admin/users/merge', { token: KEYS.write, body: { survivorId: a, loserId: b, reason: 'one person' } });
    expect(r.status).toBe(200);
    const merges = async (key: string) => (await stats(key)).mergesPerDay.reduce((n: number, d: { merges: number }) => n + d.merges, 0);
    expect([await merges(KEYS.read), await merges(KEYS.acme), await merges(KEYS.beta)]).toEqual([1, 1, 0]);
  });

  it('wants an admin key', async () => {
    const r = await api.call('GET', '/v1/admin/stats');
    expect([r.status, r.body.error.code]).toEqual([401, 'ERR_ADMIN_UNAUTHORIZED']);
    expect((await api.call('GET', '/v1/admin/stats', { token: 'wua_wrong_key_000000000000' })).status).toBe(401);
  });
});
