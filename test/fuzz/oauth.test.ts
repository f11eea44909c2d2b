/**
 * Fuzzing the browser login routes over real HTTP: `/v1/{oa,web}/:appid/authorize` (scopes, redirect URLs built to
 * slip past the allow-list, stray and repeated parameters) and `…/oauth/callback` (random codes and states, real
 * states with and without their browser cookie and with random codes). A 302 from authorize must go to WeChat's
 * consent page and nowhere else; one from a callback only to an allow-listed page. Properties: see fuzz-harness.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzString, queryString, rarely, segment } from './arbitraries.js';
import { fcOptions, fuzzTimeoutMs, printTally, startFuzzStack, type FuzzStack } from './fuzz-harness.js';

let fz: FuzzStack;
beforeAll(async () => {
  fz = await startFuzzStack();
});
afterAll(async () => {
  printTally('oauth');
  await fz?.close();
});

/** Redirect URLs: allowed ones, and the usual tricks against prefix checks. */
const redirect = fc
  .tuple(
    fc.constantFrom(
      'http://127.0.0.1',
      'http://localhost',
      'http://127.0.0.1:8080',
      'http://127.0.0.1.evil.example',
      'http://127.0.0.1@evil.example',
      'http://evil.example/http://127.0.0.1',
      '//evil.example',
      'javascript:alert(1)//http://127.0.0.1',
      'HTTP://LOCALHOST',
      'http://localhost:99999',
      'http://[::1]',
      'http:\\\\127.0.0.1',
      'data:text/html,x',
      'http://127.0.0.1%2f@evil',
      '',
    ),
    fc.oneof(
      fc.constantFrom('', '/', '/account/after-login', '/a?b=1#c', '/..%2f..', '/%0d%0aSet-Cookie:x=1', '?code=stolen', '#frag'),
      fuzzString.filter((s) => s.length < 300),
    ),
  )
  .map(([a, b]) => a + b);

/** The route's kind and an appid: mostly the kind's own app, sometimes another kind's or a hostile one. */
function kindAndApp(other: string) {
  const { apps } = fz.stack;
  return {
    kind: fc.constantFrom('oa', 'web').chain((prefix) =>
      segment([...Array<string>(6).fill(prefix === 'oa' ? apps.oa : apps.web), prefix === 'oa' ? apps.web : apps.oa, other]).map((appid) => ({
        prefix,
        appid,
      })),
    ),
  };
}

function consentLocationOk(location: string | null): boolean {
  return location?.startsWith(`${fz.stack.config.wechat.openBaseUrl.replace(/\/+$/, '')}/connect/`) === true;
}

describe('fuzz: OAuth routes', () => {
  it(
    'GET /v1/{oa,web}/:appid/authorize',
    async () => {
      const { apps } = fz.stack;
      const sample = fc.record({
        ...kindAndApp(apps.mp1),
        query: queryString(
          {
            scope: fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom('base', 'userinfo') },
              { weight: 1, arbitrary: fc.constantFrom('snsapi_base', 'login', '') },
            ),
            redirect,
          },
          ['redirect', 'scope'],
        ),
        webKeepsScope: fc.nat(5),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ kind: { prefix, appid }, query, webKeepsScope }) => {
          // The website route takes no scope: mostly leave it out there, so requests get past validation.
          const q = prefix === 'web' && webKeepsScope > 0 ? query.replace(/(^|&)scope=[^&]*/g, '') : query;
          const r = await fz.probe('GET /v1/:kind/:appid/authorize', { method: 'GET', url: `/v1/${prefix}/${appid}/authorize?${q}` });
          if (r.status === 302) {
            expect(consentLocationOk(r.headers.get('location')), r.headers.get('location') ?? '').toBe(true);
            fz.prune();
          }
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'GET /v1/{oa,web}/:appid/oauth/callback',
    async () => {
      const { apps } = fz.stack;
      const sample = fc.record({
        ...kindAndApp(apps.app),
        // A real state first (authorize), then the callback with it: with its cookie, without, or another cookie.
        real: fc.constantFrom('none', 'none', 'withCookie', 'withCookie', 'noCookie', 'wrongCookie'),
        query: queryString({
          code: fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,40}$/), fc.constant('')),
          state: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fc.string({ maxLength: 60 })),
        }),
        code: fc.option(
          fc.oneof(
            fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
            fuzzString.filter((s) => s.length < 600),
          ),
          { freq: 5 },
        ),
        cookie: rarely(
          fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          3,
        ),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ kind: { prefix, appid }, real, query, code, cookie }) => {
          let url = `/v1/${prefix}/${appid}/oauth/callback?${query}`;
          const headers: Record<string, string> = cookie ? { cookie } : {};
          if (real !== 'none') {
            const target = prefix === 'oa' ? apps.oa : apps.web;
            const scope = prefix === 'oa' ? 'scope=userinfo&' : '';
            const res = await fetch(`${fz.stack.serverUrl}/v1/${prefix}/${target}/authorize?${scope}redirect=${encodeURIComponent('http://127.0.0.1/after')}`, {
              redirect: 'manual',
            });
            const state = new URL(res.headers.get('location')!.replace('#wechat_redirect', '')).searchParams.get('state')!;
            const setCookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
            if (real === 'withCookie') headers.cookie = setCookie;
            if (real === 'wrongCookie') headers.cookie = setCookie.replace(/=.*/, '=AAAAAAAAAAAAAAAAAAAAAA');
            const sp = new URLSearchParams({ state, ...(code === null ? {} : { code }) });
            url = `/v1/${prefix}/${appid}/oauth/callback?${sp}`;
          }
          const r = await fz.probe('GET /v1/:kind/:appid/oauth/callback', { method: 'GET', url, headers });
          if (r.status === 302) {
            // Only ever back to an allow-listed page, with a login code or an error code.
            expect(r.headers.get('location')).toMatch(/^http:\/\/(127\.0\.0\.1|localhost)\/after\?(code|error)=/);
          }
          fz.prune();
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );
});
