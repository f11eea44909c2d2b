/**
 * weunion's sessions as a use case: a login starts a session family (a short ES256 access token carrying the family
 * id as `sid`, and an opaque refresh token); `refresh` rotates the refresh token (reuse of a rotated one revokes the
 * family: the OAuth 2.0 Security BCP's refresh token rotation, RFC 9700 §4.14.2); `logout` revokes the family;
 * `revokeUser` revokes every family of a person (and of the users merged into them); `verify` refuses access tokens
 * of revoked families (one primary-key read) and tokens without `sid` (issued before refresh tokens existed: the SDK
 * answers ERR_AUTH_EXPIRED with a silent login, so they cannot escape a revoke-all until their `exp`).
 */
import { AppError } from '../../errors.js';
import type { Clock } from '../../clock.js';
import type { IdentityService } from '../../identity/index.js';
import type { SessionClaims, SessionTokens } from '../../sessions/session-tokens.js';
import type { IdentityStore, SessionStore } from '../../store/port.js';
import type { RandomBytes } from '../ports.js';
import { mintRefreshToken, refreshTokenHash } from './refresh-token.js';

/** What a login (or a refresh) hands the client. */
export interface IssuedSession {
  token: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  refreshToken: string;
  /** Seconds the refresh token lives. */
  refreshExpiresIn: number;
}

/** The answer of `POST /v1/session/refresh`: the login answer's shape, for the live user. */
export interface RefreshAnswer extends IssuedSession {
  userId: string;
  openid: string;
  unionid: string | null;
  unionidConfirmed: boolean;
  isNewUser: false;
}

export interface SessionService {
  issue(claims: Omit<SessionClaims, 'sessionId'>): Promise<IssuedSession>;
  /** Throws ERR_AUTH_INVALID / ERR_AUTH_EXPIRED / ERR_AUTH_REVOKED. */
  verify(token: string): Promise<SessionClaims>;
  jwks: SessionTokens['jwks'];
  /** Throws ERR_REFRESH_INVALID / ERR_REFRESH_EXPIRED / ERR_REFRESH_REUSED / ERR_REFRESH_REVOKED / ERR_USER_NOT_FOUND. */
  refresh(refreshToken: unknown): Promise<RefreshAnswer>;
  /** Revokes the family of this refresh token (a used one too: its holder is logging out). ERR_REFRESH_INVALID when unknown. */
  logout(refreshToken: unknown): Promise<void>;
  /** Revokes every session of the live user behind `userId` and of the users merged into it; returns how many. */
  revokeUser(userId: string): Promise<number>;
}

export interface SessionServiceDeps {
  tokens: SessionTokens;
  store: SessionStore;
  identity: Pick<IdentityService, 'liveUserId'>;
  identities: Pick<IdentityStore, 'findAppIdentity' | 'listAliases'>;
  clock: Clock;
  random: RandomBytes;
  refreshTtlSeconds: number;
}

export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { tokens, store, clock, random, refreshTtlSeconds } = deps;
  const newFamilyId = () => `sf_${random(16).toString('base64url')}`;

  async function accessToken(claims: SessionClaims, refreshToken: string): Promise<IssuedSession> {
    const { token, expiresIn } = await tokens.issue(claims);
    return { token, expiresIn, refreshToken, refreshExpiresIn: refreshTtlSeconds };
  }

  async function findToken(text: unknown) {
    const hash = refreshTokenHash(text);
    if (hash === undefined) throw new AppError('ERR_REFRESH_INVALID', { message: 'The refresh token is malformed.' });
    const row = await store.findRefreshToken(hash);
    if (!row) throw new AppError('ERR_REFRESH_INVALID');
    return row;
  }

  return Object.freeze({
    async issue(claims: Omit<SessionClaims, 'sessionId'>) {
      const now = clock.now();
      const id = newFamilyId();
      const minted = mintRefreshToken(random);
      await store.startFamily(
        { id, appid: claims.appid, userId: claims.userId, openid: claims.openid, createdAt: now },
        { tokenHash: minted.hash, expiresAt: now + refreshTtlSeconds * 1000 },
      );
      return accessToken({ userId: claims.userId, appid: claims.appid, openid: claims.openid, sessionId: id }, minted.token);
    },

    async verify(token: string) {
      const claims = await tokens.verify(token);
      if (claims.sessionId === undefined) throw new AppError('ERR_AUTH_EXPIRED', { message: 'The token predates refresh tokens: log in again.' });
      const revokedAt = await store.familyRevokedAt(claims.sessionId);
      if (revokedAt === undefined) throw new AppError('ERR_AUTH_INVALID');
      if (revokedAt !== null) throw new AppError('ERR_AUTH_REVOKED');
      return claims;
    },

    jwks: () => tokens.jwks(),

    async refresh(text: unknown) {
      const row = await findToken(text);
      const now = clock.now();
      if (row.family.revokedAt !== null) throw new AppError('ERR_REFRESH_REVOKED');
      if (row.usedAt !== null) {
        await store.revokeFamily(row.familyId, now);
        throw new AppError('ERR_REFRESH_REUSED');
      }
      if (row.expiresAt <= now) throw new AppError('ERR_REFRESH_EXPIRED');
      // A merge since the last refresh moved the person: the new token names the survivor.
      const userId = await deps.identity.liveUserId(row.family.userId);
      if (userId === undefined) throw new AppError('ERR_USER_NOT_FOUND');
      const minted = mintRefreshToken(random);
      if (!(await store.rotateRefreshToken(row.tokenHash, { tokenHash: minted.hash, expiresAt: now + refreshTtlSeconds * 1000 }, userId, now))) {
        // Another request rotated it first (or the family was revoked meanwhile): the same token twice is reuse.
        await store.revokeFamily(row.familyId, now);
        throw new AppError('ERR_REFRESH_REUSED');
      }
      const { appid, openid } = row.family;
      const issued = await accessToken({ userId, appid, openid, sessionId: row.familyId }, minted.token);
      const identity = await deps.identities.findAppIdentity(appid, openid);
      return { userId, openid, unionid: identity?.unionid ?? null, unionidConfirmed: identity?.unionid != null, isNewUser: false as const, ...issued };
    },

    async logout(text: unknown) {
      const row = await findToken(text);
      await store.revokeFamily(row.familyId, clock.now());
    },

    async revokeUser(userId: string) {
      const live = await deps.identity.liveUserId(userId);
      if (live === undefined) throw new AppError('ERR_USER_NOT_FOUND');
      return store.revokeUserFamilies([live, ...(await deps.identities.listAliases(live))], clock.now());
    },
  });
}
