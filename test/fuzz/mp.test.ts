/**
 * Fuzzing the mini program routes and /v1/me over real HTTP: login, unionid, phone, paid-unionid. Bodies are
 * malformed JSON, wrong types, huge and unicode strings, bad base64 of wrong lengths, and — to reach past the
 * decryption — data sealed with the person's real session_key around random plaintexts (wrong JSON types, another
 * openid, another app's watermark, odd timestamps). Some logins use a real wx.login code, so code2session succeeds
 * and the decrypt road runs. Properties: see fuzz-harness.ts.
 */
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { login, wxLogin } from '../helpers/login-flows.js';
import { badBase64, fuzzString, ivLike, jsonBody, jsonContentType, segment, wrongType } from './arbitraries.js';
import { fcOptions, fuzzTimeoutMs, printTally, startFuzzStack, type FuzzStack } from './fuzz-harness.js';
import { authorizationHeader, type TokenContext } from './tokens.js';

let fz: FuzzStack;
let ctx: TokenContext;
let person1: string;
let nowSec: number;
const mpApps: string[] = [];

beforeAll(async () => {
  fz = await startFuzzStack({ unionidRule: 'legacy' });
  const { apps } = fz.stack;
  mpApps.push(apps.mp1, apps.mp2, apps.mpUnbound);
  ctx = { real: [], userIds: [], appids: Object.values(apps), openids: [] };
  for (const appid of mpApps) {
    const p = await fz.stack.createPerson();
    if (appid === apps.mp1) person1 = p;
    const r = await login(fz.stack, appid, p);
    // mp1's session weighs most: most Bearer requests then match the path's appid and reach the route's logic.
    for (let i = 0; i < (appid === apps.mp1 ? 4 : 1); i++) ctx.real.push(r.body.token);
    ctx.userIds.push(r.body.userId);
    ctx.openids.push(r.body.openid);
    fz.secrets.add(fz.stack.emulator.state.sessionKey(p, appid)!);
  }
  nowSec = Math.floor(fz.stack.clock.now() / 1000);
});
afterAll(async () => {
  printTally('mp');
  await fz?.close();
});

/** A plaintext to seal with a real session_key: JSON of the right shape with hostile values, other JSON, or text. */
function plaintexts(): fc.Arbitrary<string> {
  const watermark = fc.record(
    {
      appid: fc.oneof(fc.constantFrom(...mpApps), fuzzString, wrongType),
      timestamp: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: -700, max: 700 }).map((d) => nowSec + d) },
        { weight: 1, arbitrary: wrongType },
        { weight: 1, arbitrary: fc.constantFrom(`${nowSec}`, 1e300, -1, 0) },
      ),
    },
    { requiredKeys: [] },
  );
  const payload = fc.record(
    {
      openId: fc.oneof(fc.constantFrom(...ctx.openids), fuzzString, wrongType),
      unionId: fc.oneof(fc.stringMatching(/^o[A-Za-z0-9_-]{27}$/), fuzzString, wrongType),
      nickName: fc.oneof(fuzzString, wrongType),
      watermark: fc.oneof({ weight: 4, arbitrary: watermark }, { weight: 1, arbitrary: wrongType }),
      phoneNumber: fuzzString,
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 4, arbitrary: payload.map((p) => JSON.stringify(p)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  );
}

function seal(sessionKey: string, plaintext: string, iv: Buffer) {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  return { encryptedData: Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64'), iv: iv.toString('base64') };
}

const shortText = fc.string({ maxLength: 20 });
const userDataFields = () => ({
  encryptedData: badBase64,
  iv: ivLike,
  rawData: fc.oneof(fc.json({ maxDepth: 2 }), fuzzString),
  signature: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fuzzString),
  userInfo: fc.dictionary(shortText, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  errMsg: shortText,
  cloudID: shortText,
});

/** Well-formed user data (the pairs kept together, values within bounds): gets past validation to the crypto. */
const wellFormedUserData = () =>
  fc
    .record(
      {
        data: fc.record({ encryptedData: badBase64.filter((s) => s.length > 0), iv: ivLike.filter((s) => s.length > 0 && s.length <= 64) }),
        raw: fc.record({ rawData: fc.json({ maxDepth: 2 }), signature: fc.stringMatching(/^[0-9a-f]{40}$/) }),
        errMsg: fc.constantFrom('getUserInfo:ok', 'getUserProfile:ok'),
      },
      { requiredKeys: ['data'] },
    )
    .map(({ data, raw, errMsg }) => ({ ...data, ...raw, ...(errMsg ? { errMsg } : {}) }));
const printableCode = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);

/** Replaces fields of a JSON object body (when it is one); other bodies pass through. */
function patch(body: string, fields: Record<string, unknown>): string {
  try {
    const o = JSON.parse(body);
    if (!o || typeof o !== 'object' || Array.isArray(o)) return body;
    return JSON.stringify({ ...o, ...fields });
  } catch {
    return body;
  }
}

const apps = () => fz.stack.apps;
const headers = (ct: string | undefined, auth?: string): Record<string, string> => ({
  ...(ct ? { 'content-type': ct } : {}),
  ...(auth ? { authorization: auth } : {}),
});

describe('fuzz: mini program routes', () => {
  it(
    'POST /v1/mp/:appid/login',
    async () => {
      const sample = fc.record({
        appid: segment([...mpApps, fz.stack.apps.oa, 'wx']),
        body: jsonBody(
          { code: printableCode, ...userDataFields() },
          fc.tuple(printableCode, fc.option(wellFormedUserData())).map(([code, d]) => ({ code, ...(d ?? {}) })),
        ),
        ct: jsonContentType,
        realCode: fc.boolean(),
        sealed: fc.option(fc.tuple(plaintexts(), fc.uint8Array({ minLength: 16, maxLength: 16 })), { freq: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, body, ct, realCode, sealed }) => {
          let sent = body;
          const target = mpApps.find((a) => a === appid);
          if (realCode && target) {
            const p = await fz.stack.createPerson();
            const code = await wxLogin(fz.stack, target, p);
            const key = fz.stack.emulator.state.sessionKey(p, target);
            if (key) fz.secrets.add(key);
            sent = patch(sent, { code, ...(sealed && key ? seal(key, sealed[0], Buffer.from(sealed[1])) : {}) });
          }
          await fz.probe('POST /v1/mp/:appid/login', { method: 'POST', url: `/v1/mp/${appid}/login`, headers: headers(ct), body: sent });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'POST /v1/mp/:appid/unionid (Bearer)',
    async () => {
      const key = fz.stack.emulator.state.sessionKey(person1, fz.stack.apps.mp1)!;
      const sample = fc.record({
        appid: segment([...mpApps, apps().mp1, apps().mp1, apps().mp1]),
        auth: authorizationHeader(fz.stack, ctx),
        body: jsonBody(userDataFields(), wellFormedUserData()),
        ct: jsonContentType,
        sealed: fc.option(fc.tuple(plaintexts(), fc.uint8Array({ minLength: 16, maxLength: 16 })), { freq: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, auth, body, ct, sealed }) => {
          const sent = sealed ? patch(body, seal(key, sealed[0], Buffer.from(sealed[1]))) : body;
          await fz.probe('POST /v1/mp/:appid/unionid', { method: 'POST', url: `/v1/mp/${appid}/unionid`, headers: headers(ct, auth), body: sent });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'POST /v1/mp/:appid/phone (Bearer)',
    async () => {
      const sample = fc.record({
        appid: segment([...mpApps, apps().mp1, apps().mp1, apps().mp1]),
        auth: authorizationHeader(fz.stack, ctx),
        body: jsonBody(
          { code: printableCode, errMsg: shortText, encryptedData: badBase64, iv: ivLike.filter((s) => s.length <= 64), cloudID: shortText },
          null,
          ['code'],
        ),
        ct: jsonContentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, auth, body, ct }) => {
          await fz.probe('POST /v1/mp/:appid/phone', { method: 'POST', url: `/v1/mp/${appid}/phone`, headers: headers(ct, auth), body });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'POST /v1/mp/:appid/paid-unionid (Bearer)',
    async () => {
      const id = fc.stringMatching(/^[A-Za-z0-9_\-|*@]{1,40}$/);
      const sample = fc.record({
        appid: segment([...mpApps, apps().mp1, apps().mp1, apps().mp1]),
        auth: authorizationHeader(fz.stack, ctx),
        body: jsonBody({ transactionId: id, mchId: id, outTradeNo: id }, fc.oneof(fc.record({ transactionId: id }), fc.record({ mchId: id, outTradeNo: id }))),
        ct: jsonContentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, auth, body, ct }) => {
          await fz.probe('POST /v1/mp/:appid/paid-unionid', { method: 'POST', url: `/v1/mp/${appid}/paid-unionid`, headers: headers(ct, auth), body });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'GET /v1/me (Bearer)',
    async () => {
      const sample = fc.record({
        auth: authorizationHeader(fz.stack, ctx),
        method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'POST', 'DELETE', 'OPTIONS', 'PATCH') }),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ auth, method }) => {
          await fz.probe('GET /v1/me', { method, url: '/v1/me', headers: headers(undefined, auth) });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );
});
