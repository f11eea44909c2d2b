/**
 * The two mini program login strategies of the design ("Mini program login: the two strategies"), as
 * plain async functions over the wx calls and the weunion API. Each saves every session the server
 * hands out as soon as it has it, so a failure in a later step leaves the openid login in place.
 * Every flow makes at most ONE extra round from wx.login on ERR_SESSION_KEY_STALE: no loops.
 */
import { SERVER_ERROR_CODES, isWeUnionClientError } from './errors.js';
import type { LoginResponse, WeUnionApi } from './weunion-api.js';
import type { WxUserData } from './wx-like.js';

/** What `login()` / `requestUnionId()` resolve to. */
export interface LoginResult extends LoginResponse {
  /** The user refused to share the data that would have revealed the unionid; the openid login stands. */
  unionidDeclined: boolean;
  /** The server said no unionid can be had (e.g. app not bound to an Open Platform account). */
  unionidUnavailable: boolean;
  /** The decrypted unionid is another user's: held until WeChat itself confirms it; the openid login stands. */
  unionidUnconfirmed: boolean;
}

export interface FlowDeps {
  api: WeUnionApi;
  /** wx.login → code. */
  wxLogin(): Promise<string>;
  /** The encrypted user data, or null when the user refuses. */
  getUserData(): Promise<WxUserData | null>;
  /** Called with every session the server issues, in order. */
  save(res: LoginResponse): void;
}

type Flags = Partial<Pick<LoginResult, 'unionidDeclined' | 'unionidUnavailable' | 'unionidUnconfirmed'>>;

/**
 * One flow's bookkeeping: saves each session and tracks which user ids the server reported as new. After
 * a merge the final user is the unionid's owner, which is not new even if the first step created a (now
 * merged) user. A closure, not a class: the emitted SDK avoids ES2022 class fields for older JS engines.
 */
function startRun(deps: FlowDeps) {
  const newUserIds = new Set<string>();
  return {
    accept(res: LoginResponse): LoginResponse {
      if (res.isNewUser) newUserIds.add(res.userId);
      deps.save(res);
      return res;
    },
    result(res: LoginResponse, flags: Flags = {}): LoginResult {
      return {
        ...res,
        isNewUser: newUserIds.has(res.userId),
        unionidDeclined: flags.unionidDeclined ?? false,
        unionidUnavailable: flags.unionidUnavailable ?? false,
        unionidUnconfirmed: flags.unionidUnconfirmed ?? false,
      };
    },
  };
}
type Run = ReturnType<typeof startRun>;

/** wx.login → POST login {code}. No prompt: used for re-login on an expired token. */
export async function silentLogin(deps: FlowDeps): Promise<LoginResult> {
  const run = startRun(deps);
  return run.result(run.accept(await deps.api.login(await deps.wxLogin())));
}

/**
 * Client decides (前端判断): log in with the code alone; only if the answer has no unionid, ask the user
 * for the encrypted data and send it with the new session to `/unionid`.
 */
export async function clientDecidesLogin(deps: FlowDeps): Promise<LoginResult> {
  const run = startRun(deps);
  const first = run.accept(await deps.api.login(await deps.wxLogin()));
  if (first.unionid !== null) return run.result(first);
  return unionidStep(deps, run, first);
}

/**
 * Sends the user's data to `/unionid` for an existing session without a unionid. A stale session_key
 * (409) or an expired token (401) gets one fresh wx.login + login, then the data is asked again.
 */
export async function requestUnionIdFor(deps: FlowDeps, current: LoginResponse): Promise<LoginResult> {
  return unionidStep(deps, startRun(deps), current);
}

async function unionidStep(deps: FlowDeps, run: Run, start: LoginResponse): Promise<LoginResult> {
  let current = start;
  for (let attempt = 0; ; attempt++) {
    const data = await deps.getUserData();
    if (data === null) return run.result(current, { unionidDeclined: true });
    try {
      return run.result(run.accept(await deps.api.unionid(current.token, data)));
    } catch (e) {
      if (isWeUnionClientError(e, SERVER_ERROR_CODES.UNIONID_UNAVAILABLE)) {
        return run.result(current, { unionidUnavailable: true });
      }
      if (isWeUnionClientError(e, SERVER_ERROR_CODES.UNIONID_UNCONFIRMED)) {
        return run.result(current, { unionidUnconfirmed: true });
      }
      // Another road linked it meanwhile: a fresh wx.login gives a session that says so.
      if (isWeUnionClientError(e, SERVER_ERROR_CODES.UNIONID_ALREADY_KNOWN)) return run.result(run.accept(await deps.api.login(await deps.wxLogin())));
      const renewable = isWeUnionClientError(e, SERVER_ERROR_CODES.SESSION_KEY_STALE) || isWeUnionClientError(e, SERVER_ERROR_CODES.AUTH_EXPIRED);
      if (!renewable || attempt > 0) throw e;
      // The server's session_key (from our last login) is not the one wx sealed the data with.
      current = run.accept(await deps.api.login(await deps.wxLogin()));
      if (current.unionid !== null) return run.result(current);
    }
  }
}

/**
 * Server decides (后端判断): always send code + encrypted data (just the code if the user refuses);
 * the server uses code2session's unionid or decrypts. A stale session_key → once more from wx.login.
 */
export async function serverDecidesLogin(deps: FlowDeps): Promise<LoginResult> {
  const run = startRun(deps);
  for (let attempt = 0; ; attempt++) {
    // wx.login first: the data must be sealed with the key current after the code was minted.
    const code = await deps.wxLogin();
    const data = await deps.getUserData();
    try {
      const res = run.accept(await deps.api.login(code, data ?? undefined));
      // Data sent and still no unionid: the server could not get one (e.g. app bound to no Open Platform account).
      return run.result(res, { unionidDeclined: data === null && res.unionid === null, unionidUnavailable: data !== null && res.unionid === null });
    } catch (e) {
      if (!isWeUnionClientError(e, SERVER_ERROR_CODES.SESSION_KEY_STALE) || attempt > 0) throw e;
    }
  }
}
