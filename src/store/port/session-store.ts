/**
 * The sessions part of the storage port (0006): session families and their refresh tokens, which are kept only as
 * hashes. The hash is computed by the caller (flows/sessions/refresh-token.ts): the store never sees a token.
 */

/** One login's session. */
export interface SessionFamily {
  id: string;
  appid: string;
  /** The user at issue time (or at the last refresh); resolve it, a merge may have moved it on. */
  userId: string;
  openid: string;
  createdAt: number;
  revokedAt: number | null;
}

/** A refresh token row, with its family. */
export interface RefreshTokenRow {
  tokenHash: string;
  familyId: string;
  expiresAt: number;
  usedAt: number | null;
  family: SessionFamily;
}

export interface SessionStore {
  /** Inserts a family and its first refresh token in one transaction. */
  startFamily(family: Omit<SessionFamily, 'revokedAt'>, token: { tokenHash: string; expiresAt: number }): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | undefined>;
  /**
   * Atomically: marks `usedHash` used (only if still unused and its family unrevoked), inserts `next` in the same
   * family and records `userId` on the family. False when another caller used the token first (nothing written).
   */
  rotateRefreshToken(usedHash: string, next: { tokenHash: string; expiresAt: number }, userId: string, now: number): Promise<boolean>;
  /** Sets `revoked_at` on the family (no-op when already revoked). */
  revokeFamily(familyId: string, now: number): Promise<void>;
  /** Revokes every live family of these users; returns how many. */
  revokeUserFamilies(userIds: readonly string[], now: number): Promise<number>;
  /** null = live, a time = revoked then, undefined = no such family. */
  familyRevokedAt(familyId: string): Promise<number | null | undefined>;
}
