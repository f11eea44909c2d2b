/**
 * The control API refuses what a web page could forge (src/emulator/control-guard.ts, #15): simple cross-site
 * requests — form and text/plain POSTs, a foreign Origin, cross-site navigations, DNS rebinding — while JSON calls
 * from tools and the emulator's own consent page keep working, and WeChat's routes answer exactly as before.
 * Requests go through node:http so that Host, Origin and Sec-Fetch-Site are exactly what a browser would send.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, OA, startEmulator, T0, type Harness } from './helpers.js';

interface Raw {
  status: number;
  body: any;
  location?: string | undefined;
}

function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        let json: unknown = text;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode ?? 0, body: json, location: res.headers.location });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('emulator control API: cross-site requests', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());
  const own = () => new URL(h.base).origin;
  const clockMoved = () => h.emu.clock.now() !== T0;

  it('refuses the simple POSTs a page on any origin can send: a form, text/plain, no content type (415); the clock does not move', async () => {
    const json = JSON.stringify({ advanceSeconds: 3600 });
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'advanceSeconds=3600'],
      ['text/plain', json],
      ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="advanceSeconds"\r\n\r\n3600\r\n--x--\r\n`],
      [undefined, json],
    ] as const) {
      const r = await raw(h.base, 'POST', '/__emulator/clock', type ? { 'content-type': type } : {}, body);
      expect(r.status, String(type)).toBe(415);
      expect(r.body.error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    }
    expect((await raw(h.base, 'POST', '/__emulator/reset', {})).status).toBe(415);
    expect(clockMoved()).toBe(false);
  });

  it('refuses a foreign Origin (and Origin: null) even with JSON (403 ERR_EMULATOR_FORBIDDEN); its own origin and no Origin pass', async () => {
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ advanceSeconds: 60 });
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:1', 'https://127.0.0.1']) {
      const r = await raw(h.base, 'POST', '/__emulator/clock', { ...json, origin }, body);
      expect(r.status, origin).toBe(403);
      expect(r.body.error.code).toBe('ERR_EMULATOR_FORBIDDEN');
    }
    expect(clockMoved()).toBe(false);
    expect((await raw(h.base, 'POST', '/__emulator/clock', { ...json, origin: own() }, body)).status).toBe(200);
    expect((await raw(h.base, 'POST', '/__emulator/clock', json, body)).status).toBe(200);
    expect(h.emu.clock.now()).toBe(T0 + 120_000);
  });

  it('refuses a cross-site or same-site navigation to the decide route; the consent page’s own form (same-origin) works', async () => {
    const person = await h.person();
    const q = new URLSearchParams({
      appid: OA.appid,
      person,
      scope: 'snsapi_base',
      redirectUri: 'https://app.example.com/cb',
      state: 's',
      decision: 'consent',
    });
    const path = `/__emulator/oauth/decide?${q}`;
    for (const site of ['cross-site', 'same-site']) {
      const r = await raw(h.base, 'GET', path, { 'sec-fetch-site': site });
      expect(r.status, site).toBe(403);
      expect(r.body.error.code).toBe('ERR_EMULATOR_FORBIDDEN');
    }
    const ok = await raw(h.base, 'GET', path, { 'sec-fetch-site': 'same-origin', referer: `${h.base}/connect/oauth2/authorize` });
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(/^https:\/\/app\.example\.com\/cb\?code=/);
  });

  it('refuses a browser request under DNS rebinding (its own origin, the attacker’s host name)', async () => {
    const port = new URL(h.base).port;
    const rebound = { host: `rebind.example:${port}`, origin: `http://rebind.example:${port}`, 'content-type': 'application/json' };
    const r = await raw(h.base, 'POST', '/__emulator/clock', rebound, JSON.stringify({ advanceSeconds: 60 }));
    expect(r.status).toBe(403);
    expect(clockMoved()).toBe(false);
    // localhost is loopback: a browser on http://localhost:<port> is the emulator's own page.
    const local = { host: `localhost:${port}`, origin: `http://localhost:${port}`, 'content-type': 'application/json' };
    expect((await raw(h.base, 'POST', '/__emulator/clock', local, JSON.stringify({ advanceSeconds: 60 }))).status).toBe(200);
  });

  it('a DELETE needs no content type (browsers preflight it, and the emulator grants no CORS)', async () => {
    expect((await raw(h.base, 'DELETE', '/__emulator/faults', {})).status).toBe(200);
    const preflight = await raw(h.base, 'OPTIONS', '/__emulator/clock', { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });

  it('leaves WeChat’s routes alone: any Origin, Sec-Fetch-Site or content type gets WeChat’s own answer', async () => {
    const code = await h.login(MINI.appid, await h.person());
    const browser = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
    const q = new URLSearchParams({ appid: MINI.appid, secret: MINI.secret, js_code: code, grant_type: 'authorization_code' });
    const r = await raw(h.base, 'GET', `/sns/jscode2session?${q}`, browser);
    expect(r.status).toBe(200);
    expect(typeof r.body.openid).toBe('string');
    // WeChat reads a form body as JSON and answers 47001, HTTP 200 — not a 415.
    const form = await raw(h.base, 'POST', '/cgi-bin/stable_token', { ...browser, 'content-type': 'application/x-www-form-urlencoded' }, 'a=b');
    expect(form.status).toBe(200);
    expect(form.body.errcode).toBe(47001);
    const page = await raw(
      h.base,
      'GET',
      `/connect/oauth2/authorize?${new URLSearchParams({ appid: OA.appid, redirect_uri: 'https://app.example.com/cb', response_type: 'code', scope: 'snsapi_base' })}`,
      browser,
    );
    expect(page.status).toBe(200);
  });
});
