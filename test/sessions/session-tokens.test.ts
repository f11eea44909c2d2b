/**
 * createSessionTokens(): one encoding per token (low-s ES256 signatures, canonical base64url) and the `aud` claim
 * (= the appid), through the exported functions and through `GET /v1/me` (#15).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { isAppError } from '../../src/errors.js';
import { createSessionTokens, type SessionTokens } from '../../src/sessions/session-tokens.js';
import { login } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const claims = { userId: 'u_0123456789abcdefghijklmnop', appid: 'wx1111111111111111', openid: 'o-1' };

/** The same token with its signature's s replaced by n − s: another valid ECDSA encoding of the same signature. */
function flipS(token: string): string {
  const [h, p, sig] = token.split('.');
  const bytes = Buffer.from(sig!, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.concat([bytes.subarray(0, 32), Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex')]);
  return `${h}.${p}.${flipped.toString('base64url')}`;
}
const sOf = (token: string) => BigInt(`0x${Buffer.from(token.split('.')[2]!, 'base64url').subarray(32).toString('hex')}`);
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
}

describe('createSessionTokens()', () => {
  let jwk: JWK;
  let tokens: SessionTokens;
  const clock = new ManualClock();
  beforeAll(async () => {
    jwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    tokens = await createSessionTokens({ signingJwk: jwk, issuer: 'weunion', ttlSeconds: 7200, clock });
  });
  /** A token signed with the real key over `payload` (node's own signature: s high about half the time). */
  const signed = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT' }) => {
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const now = () => Math.floor(clock.now() / 1000);

  it('refuses the high-s twin of a valid token with ERR_AUTH_INVALID', async () => {
    for (let i = 0; i < 20; i++) {
      const { token } = await tokens.issue(claims);
      expect(await tokens.verify(token)).toEqual(claims);
      expect(await codeOf(tokens.verify(flipS(token)))).toBe('ERR_AUTH_INVALID');
    }
  });

  it('issues only low-s signatures (node’s sign gives a high s about half the time)', async () => {
    for (let i = 0; i < 64; i++) expect(sOf((await tokens.issue(claims)).token) <= N >> 1n).toBe(true);
  });

  it('puts aud = the appid in every token, and requires it on verify', async () => {
    const { token } = await tokens.issue(claims);
    expect(payloadOf(token)).toMatchObject({ aud: claims.appid, app: claims.appid });
    const base = { sub: claims.userId, app: claims.appid, oid: claims.openid, iss: 'weunion', iat: now(), exp: now() + 60 };
    const lowS = (t: string) => (sOf(t) > N >> 1n ? flipS(t) : t); // past the encoding check, to reach the claims
    expect(await tokens.verify(lowS(signed({ ...base, aud: claims.appid })))).toEqual(claims);
    // Another app's audience, or a list: refused.
    expect(await codeOf(tokens.verify(lowS(signed({ ...base, aud: 'wx2222222222222222' }))))).toBe('ERR_AUTH_INVALID');
    expect(await codeOf(tokens.verify(lowS(signed({ ...base, aud: [claims.appid] }))))).toBe('ERR_AUTH_INVALID');
    // A genuine token from before the audience rule: expired (the SDK logs in again silently), not valid until exp.
    expect(await codeOf(tokens.verify(lowS(signed(base))))).toBe('ERR_AUTH_EXPIRED');
  });

  it('refuses a token re-spelt with non-canonical base64url (stray low bits in a last character)', async () => {
    const { token } = await tokens.issue(claims);
    const [h, p, sig] = token.split('.');
    // 64 bytes = 86 characters, the last carrying 2 bits: its 4 low bits are free for a second spelling.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig!.at(-1)!);
    const respelt = `${sig!.slice(0, -1)}${alphabet[last | 1]}`;
    expect(Buffer.from(respelt, 'base64url').equals(Buffer.from(sig!, 'base64url'))).toBe(true);
    expect(await codeOf(tokens.verify(`${h}.${p}.${respelt}`))).toBe('ERR_AUTH_INVALID');
    expect(await codeOf(tokens.verify(`${h}.${p}.${sig}=`))).toBe('ERR_AUTH_INVALID');
  });
});

describe('GET /v1/me with an altered token', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('answers 401 ERR_AUTH_INVALID for the high-s twin of a real session token', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const person = await stack.createPerson();
    const { body } = await login(stack, stack.apps.mp1, person);
    expect((await stack.api('/v1/me', undefined, { token: body.token })).status).toBe(200);
    const me = await stack.api('/v1/me', undefined, { token: flipS(body.token) });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('ERR_AUTH_INVALID');
  });
});
