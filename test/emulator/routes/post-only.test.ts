import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, OA, startEmulator, type Harness } from '../helpers.js';

/** Every POST-only WeChat endpoint the emulator serves. */
const POST_ONLY = ['/cgi-bin/stable_token', '/cgi-bin/user/info/batchget', '/cgi-bin/qrcode/create', '/wxa/business/getuserphonenumber', '/cgi-bin/open/get'];

describe('POST-only endpoints asked with another method', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('answer 43002 "require POST method" with HTTP 200 and WeChat JSON, for GET, PUT, DELETE and PATCH', async () => {
    const token = await h.token(OA);
    for (const path of POST_ONLY) {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const r = await fetch(`${h.base}${path}?access_token=${token}`, { method });
        const body = (await r.json()) as { errcode: number; errmsg: string };
        expect([r.status, body.errcode], `${method} ${path}`).toEqual([200, 43002]);
        expect(body.errmsg).toMatch(/^require POST method, rid: /);
        expect(r.headers.get('content-type')).toBe('application/json; encoding=utf-8');
      }
    }
  });

  it('the same paths still work with POST, and an unknown path with GET stays a 404', async () => {
    const r = await h.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MINI.appid, secret: MINI.secret });
    expect(r.json.access_token).toMatch(/^80_/);
    const unknown = await h.get('/cgi-bin/no/such/thing');
    expect([unknown.status, unknown.json.errcode]).toEqual([404, -1]);
  });
});
