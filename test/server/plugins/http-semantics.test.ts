/**
 * Two answers a client slip gets, through app.inject() on the real app: a known path asked with the wrong method is
 * 405 with `Allow` (not 404), and JSON sent as text/plain (or any non-JSON type) is 415 naming the type (not a
 * confusing ERR_VALIDATION). Also: /readyz carries the `jobs` field on 503 as on 200.
 */
import { describe, expect, it } from 'vitest';
import { expectError } from '../../helpers/expect-error.js';
import { useRouteApp } from '../../helpers/route-app.js';
import { APPS } from '../../helpers/test-apps.js';

const api = useRouteApp();

describe('405 ERR_METHOD_NOT_ALLOWED', () => {
  it('a GET to the mini program login (a POST route with a param) is 405 with Allow: POST', async () => {
    const res = await api().call('GET', `/v1/mp/${APPS.mp}/login`);
    expectError(res, 405, 'ERR_METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('POST');
    expect(res.body.error.message).toContain('POST');
  });

  it('a POST to /readyz is 405 with Allow: GET, HEAD (Fastify serves HEAD for every GET)', async () => {
    const res = await api().call('POST', '/readyz', { body: {} });
    expectError(res, 405, 'ERR_METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('a DELETE with a query string still finds the path', async () => {
    const res = await api().call('DELETE', '/v1/me?x=1');
    expectError(res, 405, 'ERR_METHOD_NOT_ALLOWED');
    expect(String(res.headers.allow).split(', ')).toContain('GET');
  });

  it('an unknown path stays 404 ERR_NOT_FOUND, whatever the method', async () => {
    expectError(await api().call('GET', '/v1/nope'), 404, 'ERR_NOT_FOUND');
    expectError(await api().call('POST', '/v1/mp/x/login/extra', { body: {} }), 404, 'ERR_NOT_FOUND');
    expect((await api().call('GET', '/v1/nope')).headers.allow).toBeUndefined();
  });
});

describe('415 ERR_UNSUPPORTED_MEDIA_TYPE', () => {
  it('JSON sent as text/plain is 415 naming text/plain, and changes nothing', async () => {
    const res = await api().call('POST', `/v1/mp/${APPS.mp}/login`, {
      payload: JSON.stringify({ code: 'abc' }),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expectError(res, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.error.message).toContain('text/plain');
    expect(res.body.error.message).toContain('application/json');
    expect(api().wechat.calls.length).toBe(0);
  });

  it('a form body is 415 too, and a hostile Content-Type is not echoed', async () => {
    const form = await api().call('POST', '/v1/session/exchange', { payload: 'code=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(form, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    const odd = await api().call('POST', '/v1/session/exchange', { payload: 'x', headers: { 'content-type': '<script>/x' } });
    expectError(odd, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(odd.text).not.toContain('<script>');
  });

  it('application/json still reaches the route (its own validation answers)', async () => {
    expectError(await api().call('POST', `/v1/mp/${APPS.mp}/login`, { body: { nope: 1 } }), 400, 'ERR_VALIDATION');
  });
});

describe('/readyz', () => {
  it('carries jobs on 503 as on 200 (null when the counts cannot be read)', async () => {
    const ok = await api().call('GET', '/readyz');
    expect(ok.status).toBe(200);
    expect(ok.body.jobs).toEqual({ pending: 0, running: 0, failed: 0 });
    await api().deps.store.close();
    const down = await api().call('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toHaveProperty('jobs', null);
  });
});
