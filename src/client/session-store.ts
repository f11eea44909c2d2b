/** The weunion session as kept in the mini program's storage (wx.setStorageSync). */
import type { WxLike } from './wx-like.js';

/**
 * What the SDK stores after a login. `expiresAt` is epoch ms. Never contains a session_key. `refreshToken` is there
 * when the server issued one (sessions saved by older SDKs or servers have none, and still load).
 */
export interface StoredSession {
  token: string;
  userId: string;
  openid: string;
  unionid: string | null;
  expiresAt: number;
  refreshToken?: string;
}

/** Default storage key. */
export const DEFAULT_STORAGE_KEY = 'weunion:session';

/** Reads, writes and clears the session under one key of wx storage. */
export interface SessionStore {
  read(): StoredSession | null;
  write(session: StoredSession): void;
  clear(): void;
}

export function createSessionStore(wx: WxLike, key: string): SessionStore {
  return {
    read() {
      let raw: unknown;
      try {
        raw = wx.getStorageSync(key);
      } catch {
        return null; // storage unavailable: behave as logged out
      }
      // wx returns '' for a missing key; some apps store JSON text.
      if (typeof raw === 'string' && raw !== '') {
        try {
          raw = JSON.parse(raw);
        } catch {
          return null;
        }
      }
      return isStoredSession(raw) ? { ...raw } : null;
    },
    write(session) {
      wx.setStorageSync(key, { ...session });
    },
    clear() {
      wx.removeStorageSync(key);
    },
  };
}

function isStoredSession(v: unknown): v is StoredSession {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.token === 'string' &&
    typeof s.userId === 'string' &&
    typeof s.openid === 'string' &&
    (typeof s.unionid === 'string' || s.unionid === null) &&
    typeof s.expiresAt === 'number' &&
    (s.refreshToken === undefined || typeof s.refreshToken === 'string')
  );
}
