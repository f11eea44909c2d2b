import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/emulator/html.js';
import { MINI, OA, WEB, startEmulator, type Harness } from '../helpers.js';

const REDIRECT = 'https://app.example.com/cb';

describe('OAuth browser pages: /connect/oauth2/authorize, /connect/qrconnect', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  const pageOf = (path: string, q: Record<string, string | undefined>) => h.get(path, { response_type: 'code', ...q });
  const forms = (html: string) => [...html.matchAll(/<form method="get" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  const fields = (form: string) => Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));

  it('the official-account page has one form per person with consent / refuse / snapshot, submitting to the decide route', async () => {
    const a = await h.person({ name: 'Ann' });
    await h.person();
    const r = await pageOf('/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: REDIRECT, scope: 'snsapi_userinfo', state: 'abc' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('text/html; charset=utf-8');
    const fs = forms(r.text);
    expect(fs).toHaveLength(2);
    expect(fs[0]![1]).toBe('/__emulator/oauth/decide');
    expect(fields(fs[0]![2]!)).toEqual({ appid: OA.appid, person: a, scope: 'snsapi_userinfo', redirectUri: REDIRECT, state: 'abc' });
    expect([...fs[0]![2]!.matchAll(/name="decision" value="(\w+)"/g)].map((m) => m[1])).toEqual(['consent', 'refuse', 'snapshot']);
    expect(r.text).toContain(`${a} (Ann)`);
  });

  it('submitting a form answers WeChat\u2019s 302 to redirect_uri with code and state', async () => {
    const a = await h.person();
    const q = new URLSearchParams({ appid: WEB.appid, person: a, scope: 'snsapi_login', redirectUri: REDIRECT, state: 'xyz', decision: 'consent' });
    const res = await fetch(`${h.base}/__emulator/oauth/decide?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location') as string);
    expect(loc.searchParams.get('state')).toBe('xyz');
    const t = await h.get('/sns/oauth2/access_token', {
      appid: WEB.appid,
      secret: WEB.secret,
      code: loc.searchParams.get('code') as string,
      grant_type: 'authorization_code',
    });
    expect(t.json.openid).toBe(h.emu.state.openid(a, WEB.appid));
    q.set('decision', 'maybe');
    const bad = await fetch(`${h.base}/__emulator/oauth/decide?${q}`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
  });

  it('the website page (qrconnect) offers the same three decisions for snsapi_login', async () => {
    await h.person();
    const r = await pageOf('/connect/qrconnect', { appid: WEB.appid, redirect_uri: REDIRECT, scope: 'snsapi_login', state: 's' });
    expect([...r.text.matchAll(/name="decision" value="(\w+)"/g)].map((m) => m[1])).toEqual(['consent', 'refuse', 'snapshot']);
    expect(fields(forms(r.text)[0]![2]!).scope).toBe('snsapi_login');
  });

  it('the pages escape everything they echo: person names, redirect_uri, state, scope', async () => {
    await h.person({ name: '<script>alert(1)</script>' });
    const evil = `${REDIRECT}?x="><img src=x onerror=alert(2)>&y='`;
    const state = `"'><svg/onload=alert(3)>`;
    const r = await pageOf('/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: evil, scope: 'snsapi_base', state });
    expect(r.status).toBe(200);
    for (const raw of ['<script>', '<img', '<svg', '"><img', "'><svg", 'alert(2)>']) expect(r.text).not.toContain(raw);
    expect(r.text).toContain(escapeHtml(evil));
    expect(r.text).toContain(escapeHtml(state));
    expect(r.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    // The hidden fields still carry the exact values once the browser unescapes them.
    const decoded = fields(forms(r.text)[0]![2]!);
    const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    expect(unescapeHtml(decoded.redirectUri as string)).toBe(evil);
    expect(unescapeHtml(decoded.state as string)).toBe(state);
    const bad = await pageOf('/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: REDIRECT, scope: '<b>x</b>' });
    expect(bad.text).not.toContain('<b>');
  });

  it('escapeHtml() escapes & < > " \u2019', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&#38;b&#60;c&#62;d&#34;e&#39;f');
  });

  it('bad requests get WeChat\u2019s error page with its code', async () => {
    const cases: [string, Record<string, string | undefined>, number][] = [
      ['/connect/oauth2/authorize', { redirect_uri: REDIRECT, scope: 'snsapi_base' }, 10012],
      ['/connect/oauth2/authorize', { appid: 'wxnope', redirect_uri: REDIRECT, scope: 'snsapi_base' }, 40013],
      ['/connect/oauth2/authorize', { appid: WEB.appid, redirect_uri: REDIRECT, scope: 'snsapi_base' }, 10016],
      ['/connect/qrconnect', { appid: OA.appid, redirect_uri: REDIRECT, scope: 'snsapi_login' }, 10016],
      ['/connect/qrconnect', { appid: MINI.appid, redirect_uri: REDIRECT, scope: 'snsapi_login' }, 10016],
      ['/connect/oauth2/authorize', { appid: OA.appid, scope: 'snsapi_base' }, 10011],
      ['/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: 'not a url', scope: 'snsapi_base' }, 10003],
      ['/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: REDIRECT }, 10010],
      ['/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: REDIRECT, scope: 'snsapi_login' }, 10005],
      ['/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: REDIRECT, scope: 'snsapi_base', state: 'x'.repeat(129) }, 10013],
    ];
    for (const [path, q, code] of cases) {
      const r = await pageOf(path, q);
      expect(r.status).toBe(200);
      expect(r.text, `${path} ${JSON.stringify(q)}`).toContain(`data-errcode="${code}"`);
      expect(forms(r.text)).toHaveLength(0);
    }
  });

  it('a page with no persons says how to create one', async () => {
    const r = await pageOf('/connect/oauth2/authorize', { appid: OA.appid, redirect_uri: REDIRECT, scope: 'snsapi_base' });
    expect(r.text).toContain('POST /__emulator/persons');
  });
});
