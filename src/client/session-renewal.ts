/**
 * Renewing a session with its refresh token, shared by the mini program and the web SDK: one refresh in flight at a
 * time (concurrent 401s share it), a revoked family forgets the session and throws ERR_CLIENT_SESSION_REVOKED, an
 * expired or unknown refresh token falls back to the caller's silent login (mini program) or throws.
 * The server rotates the refresh token on every use and revokes the family when a used one comes back
 * (src/flows/sessions/session-service.ts), so the SDK must never send the same refresh token twice.
 */
import { CLIENT_ERROR_CODES, SERVER_ERROR_CODES, WeUnionClientError, isWeUnionClientError } from './errors.js';
import type { LoginResponse } from './weunion-api.js';

/** What renewal needs of a stored session. */
export interface RenewableSession {
  token: string;
  refreshToken?: string;
}

export interface RenewalDeps<S extends RenewableSession> {
  read(): S | null;
  /** Stores a refresh answer and returns the stored session. */
  save(res: LoginResponse): S;
  clear(): void;
  /** `POST /v1/session/refresh`. */
  refresh(refreshToken: string): Promise<LoginResponse>;
  /** When there is no refresh token or it expired: a silent login that stores and returns a session. */
  fallback?(): Promise<S>;
  /** Where the renewal throws when there is no fallback. */
  loggedOut?(cause?: unknown): Error;
  /**
   * Runs the renewal under a lock shared by every holder of the storage (web: the tabs of one origin, Web Locks), so
   * two of them never send the same refresh token; inside it the storage is read again.
   */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

export interface Renewal<S> {
  /** A new session: one flight for concurrent callers. */
  renew(): Promise<S>;
  /** A session newer than `staleToken`: the stored one if another caller renewed meanwhile, else `renew()`. */
  renewAfter(staleToken: string): Promise<S>;
  /** Forgets the session; a refresh in flight stores nothing. */
  forget(): void;
}

const REVOKED: readonly string[] = [SERVER_ERROR_CODES.REFRESH_REUSED, SERVER_ERROR_CODES.REFRESH_REVOKED, SERVER_ERROR_CODES.AUTH_REVOKED];
const UNUSABLE: readonly string[] = [SERVER_ERROR_CODES.REFRESH_EXPIRED, SERVER_ERROR_CODES.REFRESH_INVALID];

/** True for the server's "this session is revoked" answers. */
export function isRevokedAnswer(code: unknown): boolean {
  return typeof code === 'string' && REVOKED.includes(code);
}

/** The error the SDK throws once it has forgotten a revoked session. */
export function sessionRevokedError(cause: unknown): WeUnionClientError {
  const status = cause instanceof WeUnionClientError ? cause.status : 401;
  return new WeUnionClientError(CLIENT_ERROR_CODES.SESSION_REVOKED, { status, message: 'The session was revoked: log in again.', cause });
}

export function createRenewal<S extends RenewableSession>(deps: RenewalDeps<S>): Renewal<S> {
  let inflight: Promise<S> | null = null;
  // Bumped by forget(): a refresh answer that lands after a logout is dropped, not stored.
  let epoch = 0;

  function run(staleToken: string | undefined): Promise<S> {
    return deps.exclusive ? deps.exclusive(() => attempt(staleToken)) : attempt(staleToken);
  }

  async function attempt(staleToken: string | undefined): Promise<S> {
    const started = epoch;
    const current = deps.read();
    // Another holder of the storage renewed while this one waited for the lock.
    if (staleToken !== undefined && current !== null && current.token !== staleToken) return current;
    const refreshToken = current?.refreshToken;
    if (refreshToken !== undefined) {
      try {
        const res = await deps.refresh(refreshToken);
        if (epoch !== started) throw loggedOut();
        return deps.save(res);
      } catch (e) {
        if (isWeUnionClientError(e) && isRevokedAnswer(e.code)) {
          if (epoch === started) deps.clear();
          throw sessionRevokedError(e);
        }
        if (!isWeUnionClientError(e) || !UNUSABLE.includes(e.code)) throw e; // offline, 5xx…: the session stays
        if (!deps.fallback) {
          deps.clear();
          throw loggedOut(e);
        }
      }
    }
    if (deps.fallback) return deps.fallback();
    throw loggedOut();
  }

  function loggedOut(cause?: unknown): Error {
    return deps.loggedOut?.(cause) ?? new WeUnionClientError(CLIENT_ERROR_CODES.LOGGED_OUT, { message: 'No session to renew: log in again.', cause });
  }

  function start(staleToken: string | undefined): Promise<S> {
    if (inflight === null) {
      inflight = run(staleToken).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  return {
    renew: () => start(undefined),
    renewAfter(staleToken) {
      if (inflight !== null) return inflight;
      const s = deps.read();
      return s !== null && s.token !== staleToken ? Promise.resolve(s) : start(staleToken);
    },
    forget() {
      epoch++;
      deps.clear();
    },
  };
}
