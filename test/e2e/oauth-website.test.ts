/**
 * Website QR login (Open Platform website app, `qrconnect` + `snsapi_login`) end to end, and how it joins the
 * person's other apps through the unionid.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView, snapshot } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { authorize, browserLogin, decideOnPage, exchange, hop, land, oauthSession, redirectParam } from './oauth-browser.js';

let stack: Stack;
afterEach(async () => stack?.close());

const PAGE = 'http://localhost:8080/login/done';
const webAuthorize = (page = PAGE) => `/v1/web/${stack.apps.web}/authorize?${redirectParam(page)}`;

describe('GET /v1/web/:appid/authorize', () => {
  it('redirects to WeChat’s qrconnect with scope snsapi_login and our website callback', async () => {
    stack = await startStack();
    const consent = await authorize(stack, webAuthorize());
    const base = stack.config.wechat.openBaseUrl.replace(/\/+$/, '');
    expect(`${consent.url.origin}${consent.url.pathname}`).toBe(`${base}/connect/qrconnect`);
    expect([...consent.url.searchParams.keys()]).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(consent).toMatchObject({
      appid: stack.apps.web,
      scope: 'snsapi_login',
      redirectUri: `${stack.serverUrl}/v1/web/${stack.apps.web}/oauth/callback`,
    });
    expect(consent.url.searchParams.get('response_type')).toBe('code');
    expect(consent.url.hash).toBe('#wechat_redirect');
  });

  it('refuses a scope parameter (website logins are always snsapi_login) and apps of another kind', async () => {
    stack = await startStack();
    const before = await snapshot(stack);
    const withScope = await hop(`${stack.serverUrl}${webAuthorize()}&scope=base`);
    expect([withScope.status, withScope.body.error.code]).toEqual([400, 'ERR_VALIDATION']);
    const oa = await hop(`${stack.serverUrl}/v1/web/${stack.apps.oa}/authorize?${redirectParam(PAGE)}`);
    expect([oa.status, oa.body.error.code]).toEqual([400, 'ERR_APP_KIND']);
    expect(await snapshot(stack)).toBe(before);
  });
});

describe('website QR login', () => {
  it('logs in with the unionid and lands on the same user as the mini programs (current rule)', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const p = await stack.createPerson();
    const mp = await login(stack, stack.apps.mp1, p);
    expect(mp.body.unionid).toEqual(expect.any(String));

    const web = await oauthSession(stack, webAuthorize(), p);
    const view = await personView(stack, p);
    expect(web).toMatchObject({ userId: mp.body.userId, openid: view.openids[stack.apps.web], unionid: mp.body.unionid, isNewUser: false });
    const me = await stack.api('/v1/me', undefined, { token: web.token });
    expect(me.body.identities.app.map((a: { appid: string }) => a.appid).sort()).toEqual([stack.apps.mp1, stack.apps.web].sort());
  });

  it('legacy rule: an openid-only mini program user merges into the website user once the login discloses the unionid', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ declinesUserInfo: true });
    const mp = await login(stack, stack.apps.mp1, p);
    expect(mp.body.unionid).toBeNull();
    const web = await oauthSession(stack, webAuthorize(), p);
    expect(web.unionid).toEqual(expect.any(String));
    const again = await login(stack, stack.apps.mp1, p);
    expect(again.body).toMatchObject({ userId: web.userId, unionid: web.unionid });
    expect((await stack.api('/v1/me', undefined, { token: mp.body.token })).body.userId).toBe(web.userId);
  });

  it('works through the qrconnect page itself (the emulator’s HTML form), refusal included', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const refused = await land(await decideOnPage(await authorize(stack, webAuthorize()), p, 'refuse'));
    expect(refused.searchParams.get('error')).toBe('ERR_OAUTH_DENIED');
    const page = await land(await decideOnPage(await authorize(stack, webAuthorize()), p, 'consent'));
    const r = await exchange(stack, page.searchParams.get('code')!);
    expect(r.body).toMatchObject({ openid: (await personView(stack, p)).openids[stack.apps.web], isNewUser: true });
  });

  it('a refusal and a snapshot user end on the page with an error and store nothing', async () => {
    stack = await startStack();
    const p = await stack.createPerson();
    const before = await snapshot(stack);
    expect((await browserLogin(stack, webAuthorize(), p, 'refuse')).searchParams.get('error')).toBe('ERR_OAUTH_DENIED');
    expect((await browserLogin(stack, webAuthorize(), p, 'snapshot')).searchParams.get('error')).toBe('ERR_OAUTH_SNAPSHOT_USER');
    expect(await snapshot(stack)).toBe(before);
  });

  it('an official-account state cannot complete a website login', async () => {
    stack = await startStack();
    const oa = await authorize(stack, `/v1/oa/${stack.apps.oa}/authorize?scope=base&${redirectParam(PAGE)}`);
    const r = await hop(`${stack.serverUrl}/v1/web/${stack.apps.web}/oauth/callback?code=abc&state=${oa.state}`);
    expect([r.status, r.body.error.code]).toEqual([400, 'ERR_OAUTH_STATE_INVALID']);
  });
});
