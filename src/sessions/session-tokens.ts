/**
 * weunion's own sessions: ES256 JWTs (jose) that business backends verify offline against `/.well-known/jwks.json`.
 * Claims: `sub` = the user id at issue time (resolve it: a merged user's id keeps resolving to the survivor),
 * `app` = the appid, `oid` = the openid the person logged in with, and `aud` = that appid too.
 *
 * **Audience** (issue #15). One deployment issues tokens for many apps, and each app's backend is a relying party of
 * its own: `aud` = the appid the session was issued for lets a backend verifying offline refuse a token meant for
 * another app with any JWT library's audience check (`jwtVerify(token, jwks, { issuer, audience: '<its appid>' })`),
 * RFC 7519 §4.1.3. `verify()` requires it, equal to `app`. A token from before this rule (no `aud`; signed by us, so
 * genuine) is answered ERR_AUTH_EXPIRED rather than kept valid until its `exp`: the audience is then required from the
 * first day, and the code the SDK already answers with a silent wx.login; the cost is one re-login per session at the
 * upgrade (≤ `session.ttlSeconds`, 2 h by default, early).
 *
 * **One encoding per token** (issue #15): the signature is issued in low-s form and only that form is accepted, and
 * every segment must be canonical base64url (es256-signature.ts), so a token cannot be re-spelt and still verify.
 *
 * Signing is done with node:crypto directly (ECDSA P-256, IEEE P1363 signature = JWS ES256) because it is on every
 * login's path: jose goes through WebCrypto, whose job dispatch cost ~120 µs of CPU per login under load (measured
 * with `BENCH_PROFILE=… npm run bench`). Verification and the JWKS stay with jose.
 *
 * **Keys** (issue 13): tokens name their key (`kid`, its RFC 7638 thumbprint); the keyring says which key signs and
 * which still verify — one fixed key, or the database's keys that `weunion keys rotate` adds (stored-keyring.ts).
 */
import { sign as signWithKey } from 'node:crypto';
import { jwtVerify, errors as joseErrors, type JWK } from 'jose';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import { isCanonicalBase64url, isCanonicalEs256Signature, toLowS } from './es256-signature.js';
import { singleKeyring, type SigningKeyring } from './signing-keyring.js';

export interface SessionClaims {
  userId: string;
  appid: string;
  openid: string;
  /** `sid`: the session family the token belongs to (flows/sessions/), checked against revocation; absent on tokens from before refresh tokens. */
  sessionId?: string;
}

export interface SessionTokens {
  issue(claims: SessionClaims): Promise<{ token: string; expiresIn: number }>;
  /** Throws ERR_AUTH_INVALID / ERR_AUTH_EXPIRED. */
  verify(token: string): Promise<SessionClaims>;
  /** The public JWKS document: the signing key and the previous keys whose tokens may not have expired yet. */
  jwks(): Promise<{ keys: JWK[] }>;
}

/** One fixed key (`signingJwk`), or the keys of a keyring (the database's, shared by every instance: stored-keyring.ts). */
export type SessionKeys = { signingJwk: JWK } | { keyring: SigningKeyring };

export async function createSessionTokens(options: SessionKeys & { issuer: string; ttlSeconds: number; clock: Clock }): Promise<SessionTokens> {
  const { issuer, ttlSeconds, clock } = options;
  const keyring = 'keyring' in options ? options.keyring : await singleKeyring(options.signingJwk);
  const nowSeconds = () => Math.floor(clock.now() / 1000);

  /** The header's kid (undefined when it names none), or ERR_AUTH_INVALID when the header is not JSON. */
  function kidOf(headerSegment: string): string | undefined {
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(headerSegment, 'base64url').toString('utf8'));
    } catch {
      throw new AppError('ERR_AUTH_INVALID');
    }
    if (typeof header !== 'object' || header === null) throw new AppError('ERR_AUTH_INVALID');
    const kid = (header as { kid?: unknown }).kid;
    if (kid !== undefined && typeof kid !== 'string') throw new AppError('ERR_AUTH_INVALID');
    return kid;
  }

  /** A token whose kid is not (or no longer) ours: already past its `exp` (as it claims) is answered as expired. */
  function unknownKey(payloadSegment: string): AppError {
    try {
      const exp = (JSON.parse(Buffer.from(payloadSegment, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
      // A key leaves the keyring only after every token it signed has expired: the SDK's answer is then a refresh.
      if (typeof exp === 'number' && exp <= nowSeconds()) return new AppError('ERR_AUTH_EXPIRED');
    } catch {
      // not JSON: invalid
    }
    return new AppError('ERR_AUTH_INVALID');
  }

  return Object.freeze({
    async issue(claims: SessionClaims) {
      const iat = nowSeconds();
      const payload = {
        app: claims.appid,
        oid: claims.openid,
        ...(claims.sessionId === undefined ? {} : { sid: claims.sessionId }),
        iss: issuer,
        aud: claims.appid,
        sub: claims.userId,
        iat,
        exp: iat + ttlSeconds,
      };
      const key = await keyring.signingKey();
      const signingInput = `${key.header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      const signature = toLowS(signWithKey('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
      return { token: `${signingInput}.${signature.toString('base64url')}`, expiresIn: ttlSeconds };
    },
    async verify(token: string): Promise<SessionClaims> {
      try {
        const parts = typeof token === 'string' ? token.split('.') : [];
        if (parts.length !== 3 || !isCanonicalBase64url(parts[0]!) || !isCanonicalBase64url(parts[1]!) || !isCanonicalEs256Signature(parts[2]!)) {
          throw new AppError('ERR_AUTH_INVALID');
        }
        const key = await keyring.verifyingKey(kidOf(parts[0]!));
        if (!key) throw unknownKey(parts[1]!);
        const { payload } = await jwtVerify(token, key.publicKey, {
          issuer,
          algorithms: ['ES256'],
          currentDate: new Date(clock.now()),
        });
        if (typeof payload.sub !== 'string' || typeof payload.app !== 'string' || typeof payload.oid !== 'string') {
          throw new AppError('ERR_AUTH_INVALID', { message: 'The token lacks weunion claims.' });
        }
        // Checked after the signature: only a genuine token of ours from before the audience rule reaches this.
        if (payload.aud === undefined) throw new AppError('ERR_AUTH_EXPIRED', { message: 'The token predates session audiences: log in again.' });
        if (payload.aud !== payload.app) throw new AppError('ERR_AUTH_INVALID', { message: 'The token audience is not its app.' });
        if (payload.sid !== undefined && typeof payload.sid !== 'string') throw new AppError('ERR_AUTH_INVALID');
        return { userId: payload.sub, appid: payload.app, openid: payload.oid, ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}) };
      } catch (e) {
        if (e instanceof AppError) throw e;
        if (e instanceof joseErrors.JWTExpired) throw new AppError('ERR_AUTH_EXPIRED');
        throw new AppError('ERR_AUTH_INVALID');
      }
    },
    jwks: async () => ({ keys: await keyring.publicJwks() }),
  });
}
