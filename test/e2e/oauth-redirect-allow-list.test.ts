/**
 * The redirect allow-list against URLs built to slip past string-prefix checks: every refused one answers
 * ERR_OAUTH_REDIRECT_NOT_ALLOWED before any state is stored, and an admitted one is used in its normalised form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { snapshot } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { browserLogin, hop, redirectParam } from './oauth-browser.js';

let stack: Stack;
const SHOP = 'https://shop.acme.example/account';

function withAllowLists(c: Config): Config {
  return {
    ...c,
    apps: c.apps.map((a) => {
      if (a.kind === 'officialAccount') return { ...a, redirectAllowList: [SHOP, 'https://m.acme.example:8443/', 'http://127.0.0.1', 'http://localhost/app/'] };
      if (a.kind === 'website') return { ...a, redirectAllowList: [] };
      return a;
    }),
  };
}

beforeAll(async () => {
  stack = await startStack({ configure: withAllowLists });
});
afterAll(async () => stack.close());

const authorizePath = (redirect: string) => `/v1/oa/${stack.apps.oa}/authorize?scope=base&${redirectParam(redirect)}`;

describe('redirectAllowList', () => {
  it.each([
    SHOP,
    `${SHOP}/`,
    `${SHOP}/done?next=%2Fcart#top`,
    'https://SHOP.acme.example:443/account/ok',
    'https://m.acme.example:8443/anything',
    'http://127.0.0.1/cb',
    'http://127.0.0.1:5173/cb', // loopback: any port (RFC 8252 §7.3)
    'http://localhost:3000/app/done',
  ])('admits %s', async (redirect) => {
    const r = await hop(stack.serverUrl + authorizePath(redirect));
    expect(r.status, JSON.stringify(r.body)).toBe(302);
  });

  it.each([
    ['a sibling path sharing the prefix', 'https://shop.acme.example/accounts'],
    ['another path', 'https://shop.acme.example/admin'],
    ['dot segments climbing out', 'https://shop.acme.example/account/../admin'],
    ['encoded dot segments', 'https://shop.acme.example/account/%2e%2e/admin'],
    ['another scheme', 'http://shop.acme.example/account'],
    ['another port', 'https://shop.acme.example:8443/account'],
    ['the default port where one is pinned', 'https://m.acme.example/anything'],
    ['a host that extends the allowed one', 'https://shop.acme.example.evil.example/account'],
    ['a parent domain', 'https://acme.example/account'],
    ['a subdomain', 'https://x.shop.acme.example/account'],
    ['the allowed URL in the query', `https://evil.example/?u=${SHOP}`],
    ['the allowed host as user name', 'https://shop.acme.example@evil.example/account'],
    ['a user name before the allowed host', 'https://evil@shop.acme.example/account'],
    ['user and password before the allowed host', 'https://a:b@shop.acme.example/account'],
    ['a backslash trick', 'https://shop.acme.example\\@evil.example/account'],
    ['a protocol-relative URL', '//shop.acme.example/account'],
    ['a relative path', '/account'],
    ['javascript:', 'javascript:alert(1)//https://shop.acme.example/account'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a trailing-dot host', 'http://localhost./app/x'],
    ['loopback outside its path', 'http://localhost:3000/admin'],
    ['a loopback look-alike', 'http://127.0.0.1.nip.io/cb'],
    ['an IPv6 loopback not in the list', 'http://[::1]/cb'],
    ['a very long URL', `${SHOP}/${'a'.repeat(3000)}`],
  ])('refuses %s', async (_what, redirect) => {
    const before = await snapshot(stack);
    const r = await hop(stack.serverUrl + authorizePath(redirect));
    expect([r.status, r.body?.error?.code]).toEqual([400, 'ERR_OAUTH_REDIRECT_NOT_ALLOWED']);
    expect(r.location).toBeNull();
    expect(JSON.stringify(r.body)).not.toContain('evil');
    expect(await snapshot(stack)).toBe(before);
  });

  it('refuses every redirect of an app whose list is empty', async () => {
    const r = await hop(`${stack.serverUrl}/v1/web/${stack.apps.web}/authorize?${redirectParam(SHOP)}`);
    expect([r.status, r.body.error.code]).toEqual([400, 'ERR_OAUTH_REDIRECT_NOT_ALLOWED']);
  });

  it('sends the browser to the normalised URL, keeping the page’s own query and fragment', async () => {
    const p = await stack.createPerson();
    const page = await browserLogin(stack, authorizePath('https://SHOP.acme.example:443/account/./a/../ok?x=1&code=old#frag'), p);
    expect(`${page.origin}${page.pathname}`).toBe('https://shop.acme.example/account/ok');
    expect(page.searchParams.get('x')).toBe('1');
    expect(page.searchParams.getAll('code')).toHaveLength(1);
    expect(page.searchParams.get('code')).not.toBe('old');
    expect(page.hash).toBe('#frag');
  });
});
