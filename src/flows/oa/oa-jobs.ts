/**
 * The durable jobs the official-account callback enqueues, run by the job runner (src/jobs/) with retries and
 * backoff. Every handler is idempotent: it may run again after a crash or a failed attempt. An error thrown here
 * (WeChat -1 after the client's own retries, 45009, token errors after the refetch…) makes the runner retry; a
 * PermanentJobError (malformed payload, app no longer configured) fails the job at once.
 * https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html
 */
import { requireApp } from '../../config/require-app.js';
import type { AppConfig, Config } from '../../config/schema.js';
import { isAppError } from '../../errors.js';
import type { IdentityService } from '../../identity/index.js';
import { PermanentJobError, type JobHandler } from '../../jobs/index.js';
import type { IdentityStore, ProfileStore } from '../../store/port.js';
import { type LoginObserver, sourceOf } from '../login-observer.js';
import type { OfficialAccountGateway } from '../ports.js';
import type { QrLogin } from '../qr-login/qr-login.js';
import { OA_EVENT_JOB, OA_LOOKUP_JOB, OA_UNSUBSCRIBE_JOB, type OaLookupPayload, type OaUnsubscribePayload } from './push-job.js';

export interface OaJobsDeps {
  config: Pick<Config, 'apps'>;
  wechat: Pick<OfficialAccountGateway, 'userInfo'>;
  identity: Pick<IdentityService, 'resolve'>;
  identities: Pick<IdentityStore, 'findAppIdentity'>;
  profile: Pick<ProfileStore, 'setFollowState'>;
  qrLogin: Pick<QrLogin, 'complete'>;
  /** Told of every scan-to-follow login and where its unionid came from (metrics); optional. */
  logins?: LoginObserver | undefined;
}

function str(payload: Record<string, unknown>, name: string): string {
  const v = payload[name];
  if (typeof v !== 'string' || v === '') throw new PermanentJobError(`malformed job payload: ${name} must be a non-empty string`);
  return v;
}

function createTime(payload: Record<string, unknown>): number {
  const v = payload.createTime;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new PermanentJobError('malformed job payload: createTime must be unix seconds');
  return v;
}

function lookupPayload(p: Record<string, unknown>): OaLookupPayload {
  const reason = p.reason;
  if (reason !== 'subscribe' && reason !== 'scan' && reason !== 'message' && reason !== 'event') {
    throw new PermanentJobError('malformed job payload: unknown reason');
  }
  return {
    appid: str(p, 'appid'),
    openid: str(p, 'openid'),
    reason,
    createTime: createTime(p),
    ...(typeof p.qrScene === 'string' ? { qrScene: p.qrScene } : {}),
  };
}

/** The official account, or a permanent failure: an app removed from the config will not come back by retrying. */
function officialAccount(deps: OaJobsDeps, appid: string): AppConfig {
  try {
    return requireApp(deps.config, appid, 'officialAccount');
  } catch (e) {
    if (isAppError(e)) throw new PermanentJobError(`${e.code}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * `subscribe` asks WeChat every time (follow state, and a unionid the account may have gained); other pushes only
 * while the unionid of this openid is still unknown — LOCATION reports arrive every few seconds and would otherwise
 * spend the user/info quota (45009).
 */
async function lookup(deps: OaJobsDeps, app: AppConfig, p: OaLookupPayload): Promise<{ unionid: string | null; subscribed: boolean }> {
  const known = await deps.identities.findAppIdentity(p.appid, p.openid);
  const needsWeChat = p.reason === 'subscribe' || !known || (app.union !== null && known.unionid === null);
  if (!needsWeChat) return { unionid: app.union === null ? null : known.unionid, subscribed: true };
  const info = await deps.wechat.userInfo(app, p.openid);
  return { unionid: app.union === null ? null : (info.unionid ?? known?.unionid ?? null), subscribed: info.subscribe };
}

/**
 * The handlers by job kind, for `createJobRunner`.
 * @example
 *   const runner = createJobRunner({ store: store.jobs, clock, handlers: createOaJobHandlers(deps), … });
 */
export function createOaJobHandlers(deps: OaJobsDeps): Record<string, JobHandler> {
  return {
    /** user/info → unionid → resolve/link (a late unionid merges, docs/design.md), follow state, scan-to-follow login. */
    [OA_LOOKUP_JOB]: async (payload) => {
      const p = lookupPayload(payload);
      const app = officialAccount(deps, p.appid);
      const { unionid, subscribed } = await lookup(deps, app, p);
      const result = await deps.identity.resolve({ unionKey: app.union, appid: p.appid, openid: p.openid, unionid });
      // The event's time orders follow states: a retried subscribe cannot undo a later unsubscribe.
      await deps.profile.setFollowState(p.appid, p.openid, subscribed, p.createTime * 1000);
      if (p.qrScene) {
        await deps.qrLogin.complete({
          appid: p.appid,
          scene: p.qrScene,
          openid: p.openid,
          userId: result.userId,
          unionid,
          unionidConfirmed: result.unionidConfirmed,
          isNewUser: result.isNewUser,
        });
        // After the login is complete: a retried job whose completion failed must not have counted it.
        deps.logins?.login({ appid: p.appid, road: 'oa_qr_login', unionidSource: sourceOf(unionid, 'official_account'), isNewUser: result.isNewUser });
      }
    },
    /** The person unfollowed: recorded on the identity (when we know it); nothing is deleted. */
    [OA_UNSUBSCRIBE_JOB]: async (payload) => {
      const p: OaUnsubscribePayload = { appid: str(payload, 'appid'), openid: str(payload, 'openid'), createTime: createTime(payload) };
      await deps.profile.setFollowState(p.appid, p.openid, false, p.createTime * 1000);
    },
    /** Nothing to do: the job only records that the push was accepted (WeChat's retries of it are dropped). */
    [OA_EVENT_JOB]: async () => {},
  };
}
