/**
 * Fuzzing the official-account callback over real HTTP, on a plain-mode and a safe-mode account: the URL
 * verification (GET) with random and correctly signed queries, and pushes (POST) with random signatures, timestamps
 * and nonces, and random XML — both unsigned and correctly signed (and, in safe mode, correctly encrypted), so the
 * XML parser, the message reader, the QR-scene handling and the job enqueue all see hostile input. The jobs the
 * accepted pushes enqueue are run too: they must not throw. Properties: see fuzz-harness.ts.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageCrypt, type MessageCrypt } from '../../src/wechat/crypto/msg-crypt.js';
import { field, fuzzString, rarely, queryString, randomXml, segment } from './arbitraries.js';
import { fcOptions, fuzzTimeoutMs, printTally, startFuzzStack, type FuzzStack } from './fuzz-harness.js';

const TOKEN = 'sandboxtoken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let plain: FuzzStack;
let safe: FuzzStack;
let crypt: MessageCrypt;
let nowSec: number;

beforeAll(async () => {
  [plain, safe] = await Promise.all([startFuzzStack({ messageMode: 'plain' }), startFuzzStack({ messageMode: 'safe' })]);
  crypt = createMessageCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: safe.stack.apps.oa });
  nowSec = Math.floor(plain.stack.clock.now() / 1000);
});
afterAll(async () => {
  printTally('oa-callback');
  await Promise.all([plain?.close(), safe?.close()]);
});

const sign = (...items: string[]) => createHash('sha1').update(items.sort().join('')).digest('hex');
const cdata = (v: unknown) => `<![CDATA[${(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).split(']]>').join(']]]]><![CDATA[>')}]]>`;

/** A WeChat-shaped message with hostile field values (or fields missing). */
const wechatXml = fc
  .record(
    {
      ToUserName: field(fc.constant('gh_acme0000demo')),
      FromUserName: field(fc.stringMatching(/^o[A-Za-z0-9_-]{27}$/)),
      CreateTime: field(fc.integer({ min: -400, max: 400 }).map((d) => String(nowSec + d))),
      MsgType: field(fc.constantFrom('event', 'text', 'image', 'voice', 'location', 'link')),
      Event: field(fc.constantFrom('subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW', 'LOCATION', 'TEMPLATESENDJOBFINISH')),
      EventKey: field(
        fc.oneof(
          fc.constant('qrscene_'),
          fc.stringMatching(/^(qrscene_)?ql_[A-Za-z0-9_-]{0,40}$/),
          fuzzString.map((s) => `qrscene_${s}`),
        ),
      ),
      Ticket: field(fc.stringMatching(/^[A-Za-z0-9_=-]{1,40}$/)),
      Content: field(fuzzString),
      MsgId: field(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.constantFrom('-1', '1e5', '00', ''))),
    },
    { requiredKeys: [] },
  )
  .map(
    (o) =>
      `<xml>${Object.entries(o)
        .map(([k, v]) => `<${k}>${cdata(v)}</${k}>`)
        .join('')}</xml>`,
  );

const anyXml = fc.oneof({ weight: 2, arbitrary: wechatXml }, { weight: 1, arbitrary: randomXml });

const pushQueryRandom = queryString({
  signature: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fc.string({ maxLength: 50 })),
  timestamp: fc.oneof(
    fc.integer({ min: -400, max: 400 }).map((d) => String(nowSec + d)),
    fc.stringMatching(/^\d{1,14}$/),
  ),
  nonce: fc.string({ minLength: 1, maxLength: 70 }),
  openid: fc.stringMatching(/^o[A-Za-z0-9_-]{27}$/),
  encrypt_type: fc.constantFrom('aes', 'raw', 'AES', ''),
  msg_signature: fc.stringMatching(/^[0-9a-f]{40}$/),
  echostr: fc.string({ minLength: 1, maxLength: 40 }),
});

const contentType = fc.constantFrom(
  'text/xml',
  'text/xml',
  'application/xml',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

/** Runs the jobs the accepted pushes enqueued (every 25 accepted): a job must never throw out of the runner. */
async function drain(fz: FuzzStack, accepted: { n: number }): Promise<void> {
  if (++accepted.n % 25 !== 0) return;
  await expect(fz.stack.runJobs()).resolves.toBeTypeOf('number');
  fz.prune();
}

describe('fuzz: official-account callback', () => {
  it(
    'GET /v1/oa/:appid/callback (URL verification)',
    async () => {
      const sample = fc.record({
        which: fc.constantFrom('plain', 'safe'),
        appid: segment([plain.stack.apps.oa, plain.stack.apps.oa, plain.stack.apps.mp1]),
        signed: fc.boolean(),
        timestamp: fc.oneof(fc.stringMatching(/^\d{1,12}$/), fuzzString),
        nonce: fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fuzzString),
        echostr: fc.oneof(fc.string({ minLength: 1, maxLength: 512 }), fuzzString),
        random: pushQueryRandom,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ which, appid, signed, timestamp, nonce, echostr, random }) => {
          const fz = which === 'plain' ? plain : safe;
          const query = signed ? new URLSearchParams({ signature: sign(TOKEN, timestamp, nonce), timestamp, nonce, echostr }).toString() : random;
          const r = await fz.probe('GET /v1/oa/:appid/callback', { method: 'GET', url: `/v1/oa/${appid}/callback?${query}` });
          // A correct signature over a well-formed query is answered with the echostr, as text, nothing else.
          if (r.status === 200) expect(r.text).toBe(new URLSearchParams(query).get('echostr'));
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'POST /v1/oa/:appid/callback (plain mode: signature only)',
    async () => {
      const accepted = { n: 0 };
      const sample = fc.record({
        appid: segment([plain.stack.apps.oa, plain.stack.apps.oa, plain.stack.apps.oa, plain.stack.apps.web]),
        signed: fc.nat(3),
        skew: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -30, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) }),
        nonce: fc.string({ minLength: 1, maxLength: 64 }),
        random: pushQueryRandom,
        body: anyXml,
        ct: contentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, signed, skew, nonce, random, body, ct }) => {
          const timestamp = String(nowSec + skew);
          const query =
            signed > 0 ? new URLSearchParams({ signature: sign(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'o'.padEnd(28, 'x') }).toString() : random;
          const r = await plain.probe('POST /v1/oa/:appid/callback (plain)', {
            method: 'POST',
            url: `/v1/oa/${appid}/callback?${query}`,
            headers: ct ? { 'content-type': ct } : {},
            body,
          });
          if (r.status === 200) await drain(plain, accepted);
        }),
        fcOptions(),
      );
      await plain.stack.runJobs();
    },
    fuzzTimeoutMs(),
  );

  it(
    'POST /v1/oa/:appid/callback (safe mode: msg_signature + AES)',
    async () => {
      const accepted = { n: 0 };
      const sample = fc.record({
        appid: segment([safe.stack.apps.oa, safe.stack.apps.oa, safe.stack.apps.oa, safe.stack.apps.mp1]),
        signed: fc.nat(3),
        skew: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -30, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) }),
        nonce: fc.string({ minLength: 1, maxLength: 64 }),
        random: pushQueryRandom,
        inner: anyXml,
        // What wraps the Encrypt element: WeChat's envelope, or hostile XML around it / instead of it.
        envelope: fc.oneof(
          { weight: 4, arbitrary: fc.constant('wechat') },
          { weight: 1, arbitrary: fc.constantFrom('none', 'twice', 'nested') },
          { weight: 1, arbitrary: randomXml },
        ),
        tamper: rarely(fc.nat(), 5),
        ct: contentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, signed, skew, nonce, random, inner, envelope, tamper, ct }) => {
          const timestamp = String(nowSec + skew);
          let encrypt = crypt.encrypt(inner);
          if (tamper !== null) {
            const at = tamper % encrypt.length;
            encrypt = encrypt.slice(0, at) + (encrypt[at] === 'A' ? 'B' : 'A') + encrypt.slice(at + 1);
          }
          const body =
            envelope === 'wechat'
              ? `<xml><ToUserName><![CDATA[gh_acme0000demo]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
              : envelope === 'none'
                ? encrypt
                : envelope === 'twice'
                  ? `<xml><Encrypt>${encrypt}</Encrypt><Encrypt>${encrypt}</Encrypt></xml>`
                  : envelope === 'nested'
                    ? `<xml><Encrypt><Encrypt>${encrypt}</Encrypt></Encrypt></xml>`
                    : envelope;
          const query =
            signed > 0
              ? new URLSearchParams({
                  signature: sign(TOKEN, timestamp, nonce),
                  timestamp,
                  nonce,
                  encrypt_type: 'aes',
                  msg_signature: sign(TOKEN, timestamp, nonce, encrypt),
                  openid: 'o'.padEnd(28, 'x'),
                }).toString()
              : random;
          const r = await safe.probe('POST /v1/oa/:appid/callback (safe)', {
            method: 'POST',
            url: `/v1/oa/${appid}/callback?${query}`,
            headers: ct ? { 'content-type': ct } : {},
            body,
          });
          if (r.status === 200) await drain(safe, accepted);
        }),
        fcOptions(),
      );
      await safe.stack.runJobs();
    },
    fuzzTimeoutMs(),
  );
});
