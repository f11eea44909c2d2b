/**
 * Fuzzing the code-for-session routes over real HTTP: `POST /v1/session/exchange` (one-time login codes: random,
 * well-shaped, and real ones replayed), `POST /v1/app/:appid/login` (OpenSDK codes: random and real), and unknown
 * routes and methods. Properties: see fuzz-harness.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { encodeLoose, fuzzString, jsonBody, jsonContentType, segment } from './arbitraries.js';
import { fcOptions, fuzzTimeoutMs, printTally, startFuzzStack, type FuzzStack } from './fuzz-harness.js';

let fz: FuzzStack;
beforeAll(async () => {
  fz = await startFuzzStack();
});
afterAll(async () => {
  printTally('session-app');
  await fz?.close();
});

const headers = (ct: string | undefined): Record<string, string> => (ct ? { 'content-type': ct } : {});

/** Replaces `code` in a JSON object body (when it is one). */
function withCode(body: string, code: string): string {
  try {
    const o = JSON.parse(body);
    return o && typeof o === 'object' && !Array.isArray(o) ? JSON.stringify({ ...o, code }) : body;
  } catch {
    return body;
  }
}

describe('fuzz: session and app login routes', () => {
  it(
    'POST /v1/session/exchange',
    async () => {
      const sample = fc.record({
        body: jsonBody({ code: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{22}$/), fc.string({ minLength: 1, maxLength: 128 })) }, null, ['code']),
        ct: jsonContentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ body, ct }) => {
          await fz.probe('POST /v1/session/exchange', { method: 'POST', url: '/v1/session/exchange', headers: headers(ct), body });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'POST /v1/app/:appid/login',
    async () => {
      const { apps } = fz.stack;
      const sample = fc.record({
        appid: segment([apps.app, apps.app, apps.app, apps.mp1, apps.web]),
        body: jsonBody(
          {
            code: fc.stringMatching(/^[\x21-\x7e]{1,60}$/),
            state: fc.string({ maxLength: 30 }),
            lang: fc.constantFrom('zh_CN', 'en'),
            country: fc.constantFrom('CN', 'US'),
          },
          null,
          ['code'],
        ),
        ct: jsonContentType,
        realCode: fc.nat(9),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, body, ct, realCode }) => {
          let sent = body;
          if (realCode === 0 && appid === apps.app) {
            const person = await fz.stack.createPerson();
            sent = withCode(body, (await fz.stack.control<{ code: string }>('/__emulator/app.login', { appid: apps.app, person })).code);
          }
          await fz.probe('POST /v1/app/:appid/login', { method: 'POST', url: `/v1/app/${appid}/login`, headers: headers(ct), body: sent });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'any other method and path',
    async () => {
      const path = fc.oneof(
        fc.constantFrom(
          '/',
          '/v1',
          '/v1/mp',
          '/v1/mp//login',
          '/.well-known/jwks.json',
          '/healthz',
          '/readyz',
          '/v1/qr-login/',
          '/%2e%2e/%2e%2e/etc/passwd',
          '/v1/me/',
          '//v1/me',
          '/v1/mp/x/login/extra',
        ),
        fc
          .array(
            fuzzString.filter((s) => s.length < 200),
            { minLength: 1, maxLength: 4 },
          )
          .map((parts) => `/${parts.map((p) => encodeLoose(p)).join('/')}`),
      );
      const sample = fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
        path,
        body: fc.option(jsonBody({ code: fuzzString })),
        ct: jsonContentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ method, path: p, body, ct }) => {
          const hasBody = body !== null && method !== 'GET' && method !== 'HEAD';
          await fz.probe('any method and path', { method, url: p, headers: hasBody ? headers(ct) : {}, ...(hasBody ? { body } : {}) });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );
});
