/**
 * Official-account web OAuth end to end: weunion's authorize redirect, WeChat's consent page (the emulator), the
 * callback, the one-time login code and its exchange for a session — over real HTTP, one redirect at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView, snapshot } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { authorize, browserLogin, decide, decideOnPage, exchange, hop, land, newBrowser, oauthSession, redirectParam } from './oauth-browser.js';

let stack: Stack;
afterEach(async () => stack?.close());

const PAGE = 'http://127.0.0.1/account/after-login?from=oa';
const oaAuthorize = (scope: 'base' | 'userinfo', page = PAGE) => `/v1/oa/${stack.apps.oa}/authorize?scope=${scope}&${redirectParam(page)}`;

describe('GET /v1/oa/:appid/authorize', () => {
  it('redirects to WeChat’s oauth2/authorize with the documented parameters, in order, and #wechat_redirect', async () => {
    stack = await startStack();
    const r = await hop(stack.serverUrl + oaAuthorize('userinfo'));
    expect(r.status).toBe(302);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const location = r.location!;
    const base = stack.config.wechat.openBaseUrl.replace(/\/+$/, '');
    const callback = `${stack.serverUrl}/v1/oa/${stack.apps.oa}/oauth/callback`;
    const state = new URL(location).searchParams.get('state')!;
    expect(state).toMatch(/^[0-9a-f]{40}$/);
    expect(location).toBe(
      `${base}/connect/oauth2/authorize?appid=${stack.apps.oa}&redirect_uri=${encodeURIComponent(callback)}` +
        `&response_type=code&scope=snsapi_userinfo&state=${state}#wechat_redirect`,
    );
    const base2 = await authorize(stack, oaAuthorize('base'));
    expect(base2.scope).toBe('snsapi_base');
    expect(base2.state).not.toBe(state);
  });

  it('builds the redirect_uri from publicUrl when it is configured', async () => {
    stack = await startStack({ configure: (c) => ({ ...c, publicUrl: 'https://id.acme.example/weunion/' }) });
    const consent = await authorize(stack, oaAuthorize('base'));
    expect(consent.redirectUri).toBe(`https://id.acme.example/weunion/v1/oa/${stack.apps.oa}/oauth/callback`);
  });

  it('refuses a missing or unknown scope, an unknown app and an app of another kind, storing nothing', async () => {
    stack = await startStack();
    const cases: Array<[string, number, string]> = [
      [`/v1/oa/${stack.apps.oa}/authorize?${redirectParam(PAGE)}`, 400, 'ERR_VALIDATION'],
      [`/v1/oa/${stack.apps.oa}/authorize?scope=login&${redirectParam(PAGE)}`, 400, 'ERR_VALIDATION'],
      [`/v1/oa/${stack.apps.oa}/authorize?scope=base`, 400, 'ERR_VALIDATION'],
      [`/v1/oa/wxnosuchapp0000000/authorize?scope=base&${redirectParam(PAGE)}`, 404, 'ERR_APP_UNKNOWN'],
      [`/v1/oa/${stack.apps.web}/authorize?scope=base&${redirectParam(PAGE)}`, 400, 'ERR_APP_KIND'],
      [`/v1/oa/${stack.apps.mp1}/oauth/callback?code=x&state=${'a'.repeat(40)}`, 400, 'ERR_APP_KIND'],
    ];
    const before = await snapshot(stack);
    for (const [path, status, code] of cases) {
      const r = await hop(stack.serverUrl + path);
      expect([path, r.status, r.body?.error?.code]).toEqual([path, status, code]);
    }
    expect(await snapshot(stack)).toBe(before);
  });
});

describe('OAuth callback → login code → POST /v1/session/exchange', () => {
  it('snsapi_base: logs the person in by the official account openid, without a unionid', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const page = await browserLogin(stack, oaAuthorize('base'), p);
    expect(`${page.origin}${page.pathname}`).toBe('http://127.0.0.1/account/after-login');
    expect(page.searchParams.get('from')).toBe('oa');
    const code = page.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(page.searchParams.has('error')).toBe(false);

    const r = await exchange(stack, code);
    expect(r.status).toBe(200);
    const view = await personView(stack, p);
    expect(r.body).toEqual({
      userId: expect.any(String),
      openid: view.openids[stack.apps.oa],
      unionid: null,
      unionidConfirmed: false,
      isNewUser: true,
      token: expect.any(String),
      expiresIn: expect.any(Number),
      refreshToken: expect.any(String),
      refreshExpiresIn: expect.any(Number),
    });
    expect(page.href).not.toContain(r.body.token);
    const me = await stack.api('/v1/me', undefined, { token: r.body.token });
    expect(me.status).toBe(200);
    expect(me.body.userId).toBe(r.body.userId);

    const again = await oauthSession(stack, oaAuthorize('base'), p);
    expect(again).toMatchObject({ userId: r.body.userId, isNewUser: false });
  });

  it('login CSRF: a callback landed in another browser → 400 ERR_OAUTH_BROWSER_MISMATCH, and the real browser still finishes', async () => {
    stack = await startStack();
    const attacker = await stack.createPerson();
    newBrowser();
    const consent = await authorize(stack, oaAuthorize('userinfo'));
    const callback = await decide(stack, consent, attacker, 'consent');
    const before = await snapshot(stack);
    newBrowser(); // the victim's browser: no binding cookie
    const victim = await hop(callback);
    expect([victim.status, victim.body?.error?.code]).toEqual([400, 'ERR_OAUTH_BROWSER_MISMATCH']);
    expect(await snapshot(stack)).toBe(before);
  });

  it('works through WeChat’s consent page itself (the emulator’s HTML form)', async () => {
    stack = await startStack();
    const p = await stack.createPerson({ name: 'Li Lei' });
    await stack.createPerson(); // a second person's form on the same page
    const consent = await authorize(stack, oaAuthorize('userinfo'));
    const page = await land(await decideOnPage(consent, p, 'consent'));
    const r = await exchange(stack, page.searchParams.get('code')!);
    expect(r.body).toMatchObject({ openid: (await personView(stack, p)).openids[stack.apps.oa], unionid: expect.any(String) });
  });

  it('snsapi_userinfo: links the unionid, and (legacy rule) the consent makes code2session disclose it to mini programs', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ declinesUserInfo: true });
    const before = await login(stack, stack.apps.mp1, p); // no follow, no consent yet: openid only
    expect(before.body.unionid).toBeNull();

    const oa = await oauthSession(stack, oaAuthorize('userinfo'), p);
    const view = await personView(stack, p);
    expect(oa.unionid).toBe(Object.values(view.unionids)[0]);
    expect(oa.isNewUser).toBe(true); // the unionid was unknown to weunion: cannot be joined yet

    const mp2 = await login(stack, stack.apps.mp2, p); // legacy rule: the OA authorisation discloses the unionid now
    expect(mp2.body).toMatchObject({ userId: oa.userId, unionid: oa.unionid, isNewUser: false });
    const mp1 = await login(stack, stack.apps.mp1, p); // and the early openid-only user merges into the unionid's
    expect(mp1.body).toMatchObject({ userId: oa.userId, unionid: oa.unionid, isNewUser: false });
    const old = await stack.api('/v1/me', undefined, { token: before.body.token });
    expect(old.body.userId).toBe(oa.userId);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ users: 2, liveUsers: 1, appIdentities: 3, unionIdentities: 1 });
  });

  it('asks sns/userinfo for the unionid when the token answer left it out — and never with a snsapi_base token', async () => {
    // A WeChat that keeps the unionid for sns/userinfo (the OA docs list it there): strip it from the token answer.
    stack = await startStack({
      overrides: {
        wechat: (real) => ({ ...real, exchangeOAuthCode: async (app, code) => ({ ...(await real.exchangeOAuthCode(app, code)), unionid: undefined }) }),
      },
    });
    const p = await stack.createPerson();
    await stack.control('/__emulator/stats', undefined, 'DELETE');
    const base = await oauthSession(stack, oaAuthorize('base'), p);
    expect(base.unionid).toBeNull();
    const afterBase = await stack.control<{ calls: Record<string, number> }>('/__emulator/stats', undefined, 'GET');
    expect(afterBase.calls['/sns/userinfo'] ?? 0).toBe(0);

    const full = await oauthSession(stack, oaAuthorize('userinfo'), p);
    expect(full).toMatchObject({ userId: base.userId, unionid: Object.values((await personView(stack, p)).unionids)[0] });
    const stats = await stack.control<{ calls: Record<string, number> }>('/__emulator/stats', undefined, 'GET');
    expect(stats.calls['/sns/userinfo']).toBe(1);
  });

  it('a refusal (no code) → the page gets ?error=ERR_OAUTH_DENIED and nothing is stored', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const before = await snapshot(stack);
    const consent = await authorize(stack, oaAuthorize('userinfo'));
    const back = await decide(stack, consent, p, 'refuse');
    expect(new URL(back).searchParams.has('code')).toBe(false);
    const page = await land(back);
    expect(page.searchParams.get('error')).toBe('ERR_OAUTH_DENIED');
    expect(page.searchParams.has('code')).toBe(false);
    expect(await snapshot(stack)).toBe(before);
    const replay = await hop(back); // the state was spent by the refusal
    expect([replay.status, replay.body.error.code]).toEqual([400, 'ERR_OAUTH_STATE_INVALID']);
  });

  it('a snapshot-mode virtual user → ?error=ERR_OAUTH_SNAPSHOT_USER and no user is created', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const before = await snapshot(stack);
    const page = await browserLogin(stack, oaAuthorize('userinfo'), p, 'snapshot');
    expect(page.searchParams.get('error')).toBe('ERR_OAUTH_SNAPSHOT_USER');
    expect(page.searchParams.has('code')).toBe(false);
    expect(await snapshot(stack)).toBe(before);
  });

  it('a WeChat failure after a valid state (a code used twice) → the page gets that error code', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const first = await authorize(stack, oaAuthorize('base'));
    const back = new URL(await decide(stack, first, p, 'consent'));
    expect((await land(back.href)).searchParams.has('code')).toBe(true);

    const before = await snapshot(stack);
    const second = await authorize(stack, oaAuthorize('base'));
    back.searchParams.set('state', second.state); // the same WeChat code, with a fresh state of ours
    const page = await land(back.href);
    expect(page.searchParams.get('error')).toBe('ERR_WECHAT_CODE_USED');
    expect(await snapshot(stack)).toBe(before);
  });
});

describe('the state', () => {
  it('is single use: replaying the callback → 400 ERR_OAUTH_STATE_INVALID (JSON), nothing stored', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const back = await decide(stack, await authorize(stack, oaAuthorize('base')), p, 'consent');
    expect((await land(back)).searchParams.has('code')).toBe(true);
    const before = await snapshot(stack);
    const replay = await hop(back);
    expect(replay.status).toBe(400);
    expect(replay.location).toBeNull();
    expect(replay.body.error.code).toBe('ERR_OAUTH_STATE_INVALID');
    expect(await snapshot(stack)).toBe(before);
  });

  it('is consumed once even when the callback arrives twice at the same moment', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const back = await decide(stack, await authorize(stack, oaAuthorize('base')), p, 'consent');
    const results = await Promise.all([hop(back), hop(back), hop(back)]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 400, 400]);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ users: 1, appIdentities: 1 });
  });

  it('expires after flows.oauthStateTtlSeconds', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const consent = await authorize(stack, oaAuthorize('base'));
    await stack.control('/__emulator/clock', { advanceSeconds: stack.config.flows.oauthStateTtlSeconds + 1 });
    const before = await snapshot(stack);
    const r = await hop(await decide(stack, consent, p, 'consent'));
    expect([r.status, r.body.error.code]).toEqual([400, 'ERR_OAUTH_STATE_INVALID']);
    expect(await snapshot(stack)).toBe(before);
  });

  it('forged, malformed, missing or another flow’s states are refused; a wrong-flow try does not burn the real one', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const before = await snapshot(stack);
    const callback = `${stack.serverUrl}/v1/oa/${stack.apps.oa}/oauth/callback`;
    for (const query of [`code=abc&state=${'0'.repeat(40)}`, 'code=abc&state=abc', 'code=abc', `code=abc&state=${'A'.repeat(40)}`, 'state=../../x']) {
      const r = await hop(`${callback}?${query}`);
      expect([query, r.status, r.body.error.code]).toEqual([query, 400, 'ERR_OAUTH_STATE_INVALID']);
    }
    // A website-app state presented at the official account's callback.
    const web = await authorize(stack, `/v1/web/${stack.apps.web}/authorize?${redirectParam(PAGE)}`);
    const wrong = await hop(`${callback}?code=abc&state=${web.state}`);
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'ERR_OAUTH_STATE_INVALID']);
    expect(await snapshot(stack)).toBe(before);
    const page = await land(await decide(stack, web, p, 'consent'));
    expect(page.searchParams.get('code')).toBeTruthy();
  });
});

describe('the login code', () => {
  it('works once', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const code = (await browserLogin(stack, oaAuthorize('base'), p)).searchParams.get('code')!;
    expect((await exchange(stack, code)).status).toBe(200);
    const again = await exchange(stack, code);
    expect([again.status, again.body.error.code]).toEqual([400, 'ERR_LOGIN_CODE_INVALID']);
  });

  it('works once even when redeemed twice at the same moment', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const code = (await browserLogin(stack, oaAuthorize('base'), p)).searchParams.get('code')!;
    const results = await Promise.all([exchange(stack, code), exchange(stack, code)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('lives flows.loginCodeTtlSeconds on the shared (emulator) clock', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const ttl = stack.config.flows.loginCodeTtlSeconds;
    const fresh = (await browserLogin(stack, oaAuthorize('base'), p)).searchParams.get('code')!;
    const stale = (await browserLogin(stack, oaAuthorize('base'), p)).searchParams.get('code')!;
    await stack.control('/__emulator/clock', { advanceSeconds: ttl - 5 });
    expect((await exchange(stack, fresh)).status).toBe(200);
    await stack.control('/__emulator/clock', { advanceSeconds: 10 });
    const r = await exchange(stack, stale);
    expect([r.status, r.body.error.code]).toEqual([400, 'ERR_LOGIN_CODE_INVALID']);
  });

  it('refuses malformed and unknown codes with ERR_LOGIN_CODE_INVALID / ERR_VALIDATION', async () => {
    stack = await startStack();
    for (const code of ['x', 'A'.repeat(22), 'not a code at all!!!!!']) {
      const r = await exchange(stack, code);
      expect([code, r.status, r.body.error.code]).toEqual([code, 400, 'ERR_LOGIN_CODE_INVALID']);
    }
    for (const body of [{}, { code: 1 }, { code: 'A'.repeat(22), extra: 1 }, { code: '' }]) {
      const r = await stack.api('/v1/session/exchange', body);
      expect([r.status, r.body.error.code]).toEqual([400, 'ERR_VALIDATION']);
    }
  });
});
