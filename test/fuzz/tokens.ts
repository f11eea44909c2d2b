/**
 * Authorization headers for the Bearer routes: none, random text, tampered real tokens, structurally valid JWTs with
 * wrong signatures (another ES256 key, alg none/HS256, random bytes), and JWTs signed with the server's own key but
 * with random claims (unknown users, wrong types, expired, another issuer or audience) — the last reach past
 * verification.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { toLowS } from '../../src/sessions/es256-signature.js';
import type { Stack } from '../helpers/stack.js';
import { fuzzString, wrongType } from './arbitraries.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export interface TokenContext {
  /** Real session tokens the server issued. */
  real: string[];
  /** Real user ids, appids and openids to mix into forged claims. */
  userIds: string[];
  appids: string[];
  openids: string[];
}

function es256(key: KeyObject, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  // Low-s, as the server issues them: a high s is refused before the claims are looked at.
  return `${input}.${toLowS(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })).toString('base64url')}`;
}

/** Header values fetch can send (a ByteString without NUL, CR, LF). */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff\t]/g, '').slice(0, 8000);

export function authorizationHeader(stack: Stack, ctx: TokenContext): fc.Arbitrary<string | undefined> {
  const jwk = JSON.parse(readFileSync(path.join(stack.dataDir, 'keys.json'), 'utf8')).signingJwk;
  const serverKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const [h, p] = ctx.real[0]!.split('.');
  const realHeader = JSON.parse(Buffer.from(h!, 'base64url').toString());
  const realPayload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  const now = () => Math.floor(stack.clock.now() / 1000);

  const claim = (pool: string[]) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...pool) },
      { weight: 1, arbitrary: fuzzString.filter((s) => s.length < 500) },
      { weight: 1, arbitrary: wrongType },
    );
  const claims = fc
    .record(
      {
        sub: claim(ctx.userIds),
        app: claim(ctx.appids),
        oid: claim(ctx.openids),
        iss: fc.oneof({ weight: 10, arbitrary: fc.constant(realPayload.iss) }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fuzzString }),
        iat: fc.oneof(fc.constant(-1), fc.integer({ min: -100_000, max: 100_000 }), wrongType),
        exp: fc.oneof(
          { weight: 8, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
          { weight: 1, arbitrary: fc.integer({ min: -10_000, max: 0 }) },
          { weight: 1, arbitrary: wrongType },
        ),
        nbf: fc.integer({ min: -100, max: 100 }),
      },
      { requiredKeys: ['sub', 'app', 'oid', 'iss', 'exp'] },
    )
    // aud: usually the app (as issued), sometimes another app's, a wrong type or absent.
    .chain((c: Record<string, unknown>) =>
      fc
        .oneof(
          { weight: 8, arbitrary: fc.constant(c.app) },
          { weight: 1, arbitrary: claim(ctx.appids) },
          { weight: 1, arbitrary: wrongType },
          { weight: 1, arbitrary: fc.constant(undefined) },
        )
        .map((aud) => (aud === undefined ? c : { ...c, aud })),
    )
    // Sometimes one required claim is missing.
    .chain((c: Record<string, unknown>) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(c) },
        { weight: 1, arbitrary: fc.constantFrom('sub', 'app', 'oid', 'iss', 'exp').map((k) => Object.fromEntries(Object.entries(c).filter(([n]) => n !== k))) },
      ),
    )
    .map((c) => ({
      ...c,
      ...(typeof c.iat === 'number' ? { iat: now() + c.iat } : {}),
      ...(typeof c.exp === 'number' ? { exp: now() + c.exp } : {}),
      ...(typeof c.nbf === 'number' ? { nbf: now() + c.nbf } : {}),
    }));
  const headers = fc.oneof(
    { weight: 10, arbitrary: fc.constant(realHeader) },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          alg: fc.constantFrom('ES256', 'none', 'HS256', 'RS256', 'ES384', 'EdDSA', ''),
          kid: fc.oneof(fc.constant(realHeader.kid), fuzzString),
          typ: fc.constant('JWT'),
        },
        { requiredKeys: ['alg'] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ alg: fc.constant('ES256'), crit: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), b64: fc.boolean() }) },
  );

  const token: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ctx.real) },
    // A real token with one character changed, or cut short.
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...ctx.real), fc.nat(), fc.constantFrom('A', '_', '-', '.', '')).map(([t, i, c]) => {
        const at = i % t.length;
        return t.slice(0, at) + c + t.slice(at + 1);
      }),
    },
    // The server's own key, random claims: passes the signature check, tests what follows.
    { weight: 3, arbitrary: fc.tuple(headers, claims).map(([hd, c]) => es256(serverKey, hd, c)) },
    // Right shape, wrong key / no signature / random signature bytes.
    { weight: 2, arbitrary: fc.tuple(headers, claims).map(([hd, c]) => es256(otherKey, hd, c)) },
    { weight: 1, arbitrary: claims.map((c) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(c)}.`) },
    { weight: 1, arbitrary: fc.tuple(claims, fc.uint8Array({ maxLength: 80 })).map(([c, s]) => `${h}.${b64(c)}.${Buffer.from(s).toString('base64url')}`) },
    { weight: 1, arbitrary: fc.tuple(fuzzString, fuzzString, fuzzString).map((parts) => parts.map(b64).join('.')) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{0,300}$/) },
  );
  return fc
    .oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 8, arbitrary: token.map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('bearer ', 'Bearer  ', 'Basic ', 'Bearer', 'Token ', ''), token).map(([s, t]) => s + t) },
      { weight: 1, arbitrary: fuzzString.map((s) => `Bearer ${s}`) },
    )
    .map((v) => (v === undefined ? undefined : headerSafe(v)));
}
