/** The weunion session as a web page keeps it: JSON under one key of a StorageLike (default `localStorage`). */
import type { LoginResponse } from '../weunion-api.js';
import type { StorageLike } from './browser-like.js';

/** What the web SDK stores after a login. `expiresAt` is epoch ms; `refreshToken` is absent from older sessions. */
export interface WebSession {
  token: string;
  userId: string;
  openid: string;
  unionid: string | null;
  expiresAt: number;
  refreshToken?: string;
}

export const DEFAULT_WEB_STORAGE_KEY = 'weunion:web-session';

export interface WebSessionStore {
  read(): WebSession | null;
  save(res: LoginResponse): WebSession;
  clear(): void;
}

export function createWebSessionStore(storage: StorageLike, key: string, now: () => number): WebSessionStore {
  return {
    read() {
      let parsed: unknown;
      try {
        const raw = storage.getItem(key);
        if (raw === null) return null;
        parsed = JSON.parse(raw);
      } catch {
        return null; // storage blocked (private mode, sandboxed frame) or not ours: logged out
      }
      return isWebSession(parsed) ? parsed : null;
    },
    save(res) {
      const session: WebSession = { token: res.token, userId: res.userId, openid: res.openid, unionid: res.unionid, expiresAt: now() + res.expiresIn * 1000 };
      if (typeof res.refreshToken === 'string') session.refreshToken = res.refreshToken;
      try {
        storage.setItem(key, JSON.stringify(session));
      } catch {
        /* storage full or blocked: the session still works for this page */
      }
      return session;
    },
    clear() {
      try {
        storage.removeItem(key);
      } catch {
        /* nothing stored */
      }
    },
  };
}

function isWebSession(v: unknown): v is WebSession {
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
