/**
 * What the flows need from the world outside weunion's own rules, as narrow interfaces the composition root
 * implements (`compose/wechat-gateway.ts` for WeChat). Every WeChat call is already bound to the app's credentials
 * and access_token; errors arrive as AppErrors with WeChat's errcode kept (docs/errors.md).
 */
import type { AppConfig } from '../config/schema.js';

/** The mini program calls. */
export interface MiniProgramGateway {
  /** `sns/jscode2session`; concurrent calls with one code share one upstream call. */
  code2Session(app: AppConfig, code: string): Promise<{ openid: string; sessionKey: string; unionid?: string | undefined }>;
  /** `wxa/checksession`: true when `sessionKey` is still the person's current key, false when WeChat says 87009. */
  isSessionKeyCurrent(app: AppConfig, openid: string, sessionKey: string): Promise<boolean>;
  /** `wxa/business/getuserphonenumber` with a phone code (single-use, 5 minutes). */
  getPhoneNumber(app: AppConfig, code: string, openid?: string): Promise<{ phoneNumber: string; purePhoneNumber: string; countryCode: string }>;
  /** `wxa/getpaidunionid`, within 5 minutes of a payment. */
  getPaidUnionid(app: AppConfig, openid: string, order: { transactionId: string } | { mchId: string; outTradeNo: string }): Promise<string>;
}

/** The official-account calls. */
export interface OfficialAccountGateway {
  /** `cgi-bin/user/info`: a follower's (or former follower's) state and, when the account is bound, unionid. */
  userInfo(app: AppConfig, openid: string): Promise<{ subscribe: boolean; openid: string; unionid?: string | undefined }>;
  /** `cgi-bin/qrcode/create` with a temporary string scene. */
  createTempQrCode(app: AppConfig, sceneStr: string, expireSeconds: number): Promise<{ ticket: string; expireSeconds: number; url: string }>;
}

/** The OAuth calls shared by official-account web pages, website QR login and mobile apps. */
export interface OAuthGateway {
  /** `sns/oauth2/access_token`. */
  exchangeOAuthCode(
    app: AppConfig,
    code: string,
  ): Promise<{
    accessToken: string;
    expiresIn: number;
    refreshToken: string;
    openid: string;
    scope: string;
    unionid?: string | undefined;
    isSnapshotUser: boolean;
  }>;
  /** `sns/userinfo` (needs snsapi_userinfo or snsapi_login). */
  oauthUserInfo(
    app: AppConfig,
    accessToken: string,
    openid: string,
  ): Promise<{ openid: string; nickname: string; headimgurl: string; unionid?: string | undefined }>;
}

export type WeChatGateway = MiniProgramGateway & OfficialAccountGateway & OAuthGateway;

/** Wakes the job runner after an enqueue, so a job runs now rather than at the next poll (jobs/job-wake.ts). */
export type JobWake = Pick<import('../jobs/job-wake.js').JobWake, 'poke'>;

/** Random bytes (OAuth states, login codes, QR scenes, browser bindings). */
export type RandomBytes = (size: number) => Buffer;

/**
 * Wake-ups for waiters on a flow (a long poll or event stream on a scan-to-follow login): `notify` reaches every
 * waiter on `key` on every instance (Redis pub/sub when the cache is Redis, in process otherwise), so a waiter need not
 * re-read the store every few hundred milliseconds. A missed wake-up costs only latency: waiters re-read on a timer too.
 */
export interface FlowSignals {
  notify(key: string): void;
  /** Resolves when `key` is notified, after `ms`, or when `signal` aborts — whichever comes first. */
  wait(key: string, ms: number, signal: AbortSignal): Promise<void>;
}
