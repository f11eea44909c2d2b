import { describe, expect, it } from 'vitest';
import { createUrlTokenSource } from '../../../src/wechat/tokens/url-token-source.js';
import { dropConnection, sendJson, useFakeUpstream } from '../../helpers/fake-upstream.js';
import { expectNoSecrets } from '../../helpers/no-secrets.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();

describe('createUrlTokenSource().fetch()', () => {
  it('GETs the URL with its query and maps { access_token, expires_in }', async () => {
    up().on('GET', '/tokens/wxa', (_q, r) => sendJson(r, { access_token: 'OUTSIDE-T1', expires_in: '3600' }, 'application/json'));
    const source = createUrlTokenSource({ url: `${up().baseUrl}/tokens/wxa?tenant=acme&access_token=ask-key` });
    expect(await source.fetch('wxa')).toEqual({ accessToken: 'OUTSIDE-T1', expiresIn: 3600 });
    expect(up().calls[0]!.query).toEqual({ tenant: 'acme', access_token: 'ask-key' });
  });

  it('has an id that names no part of the URL, the same for the same URL', () => {
    const a = createUrlTokenSource({ url: `${up().baseUrl}/tokens/wxa?key=SUPERSECRET` });
    const b = createUrlTokenSource({ url: `${up().baseUrl}/tokens/wxa?key=SUPERSECRET` });
    const c = createUrlTokenSource({ url: `${up().baseUrl}/tokens/wxb?key=SUPERSECRET` });
    expect(a.id).toMatch(/^url:[0-9a-f]{16}$/);
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
  });

  it('fails with typed errors: an errcode, a bad body, an unreachable server (retried once more)', async () => {
    const source = createUrlTokenSource({ url: `${up().baseUrl}/t`, sleep: async () => undefined });
    up().on('GET', '/t', (_q, r) => sendJson(r, { errcode: 40164, errmsg: 'invalid ip 1.2.3.4, not in whitelist' }));
    const e = await rejection(source.fetch('wxa'));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_CREDENTIALS', wechat: { errcode: 40164 } });
    expect(e.message).toMatch(/IP whitelist/);
    up().on('GET', '/t', (_q, r) => sendJson(r, { access_token: 'LEAKY-TOKEN', expires_in: 0 }));
    const bad = await rejection(source.fetch('wxa'));
    expect(bad.code).toBe('ERR_WECHAT_BAD_RESPONSE');
    expectNoSecrets(bad, ['LEAKY-TOKEN']);
    up().reset();
    up().on('GET', '/t', (q, r) => dropConnection(q, r));
    expect((await rejection(source.fetch('wxa'))).code).toBe('ERR_WECHAT_UNREACHABLE');
    expect(up().calls.length).toBe(3);
  });

  it('throws TypeError for a URL that is not http(s) or carries userinfo', () => {
    expect(() => createUrlTokenSource({ url: 'not a url' })).toThrow(TypeError);
    expect(() => createUrlTokenSource({ url: 'ftp://x/t' })).toThrow(TypeError);
    expect(() => createUrlTokenSource({ url: 'https://user:pw@x/t' })).toThrow(TypeError);
  });
});
