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
 */
import { createPrivateKey, sign as signWithKey } from 'node:crypto';
import { importJWK, jwtVerify, calculateJwkThumbprint, errors as joseErrors, type JWK, type CryptoKey } from 'jose';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import { isCanonicalBase64url, isCanonicalEs256Signature, toLowS } from './es256-signature.js';

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
  /** The public JWKS document. */
  jwks(): { keys: JWK[] };
}

export async function createSessionTokens(options: { signingJwk: JWK; issuer: string; ttlSeconds: number; clock: Clock }): Promise<SessionTokens> {
  const { signingJwk, issuer, ttlSeconds, clock } = options;
  const kid = await calculateJwkThumbprint(signingJwk);
  const privateKey = createPrivateKey({ key: signingJwk as Parameters<typeof createPrivateKey>[0] & object, format: 'jwk' } as never);
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' })).toString('base64url');
  const { d: _d, ...publicFields } = signingJwk;
  const publicJwk: JWK = { kty: publicFields.kty, crv: publicFields.crv, x: publicFields.x, y: publicFields.y, kid, alg: 'ES256', use: 'sig' };
  const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
  const nowSeconds = () => Math.floor(clock.now() / 1000);

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
      const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      const signature = toLowS(signWithKey('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      return { token: `${signingInput}.${signature.toString('base64url')}`, expiresIn: ttlSeconds };
    },
    async verify(token: string): Promise<SessionClaims> {
      try {
        const parts = typeof token === 'string' ? token.split('.') : [];
        if (parts.length !== 3 || !isCanonicalBase64url(parts[0]!) || !isCanonicalBase64url(parts[1]!) || !isCanonicalEs256Signature(parts[2]!)) {
          throw new AppError('ERR_AUTH_INVALID');
        }
        const { payload } = await jwtVerify(token, publicKey, {
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
    jwks: () => ({ keys: [publicJwk] }),
  });
}
