/** What `buildApp` needs: everything with I/O is passed in (the composition root is `compose.ts`). */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { AppConfig, Config } from '../config/schema.js';
import type { AtRestCipher } from '../secrets/at-rest-cipher.js';
import type { SessionTokens } from '../sessions/session-tokens.js';
import type { WeunionStore } from '../store/port.js';
import type { CallbackHooks } from './oa/callback-hooks.js';

/** The mini program calls, already bound to credentials and tokens. */
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

/** The durable job runner (official-account lookups…): started by main.ts; tests drain it with runDue(). */
export interface JobRunnerControl {
  start(): void;
  /** Stops claiming; waits for jobs in flight. */
  stop(): Promise<void>;
  /** Claims and runs every due job once; returns how many ran. */
  runDue(): Promise<number>;
  /** Asks the runner to look for due jobs soon (after an enqueue), instead of at its next poll. */
  poke(): void;
}

export interface AppDeps {
  config: Config;
  store: WeunionStore;
  wechat: WeChatGateway;
  sessions: SessionTokens;
  atRest: AtRestCipher;
  clock: Clock;
  newId: () => string;
  /** Random bytes (OAuth states, login codes, QR scenes). */
  random: (size: number) => Buffer;
  jobs: JobRunnerControl;
  /** Handlers library users register for official-account messages and events (passive replies). */
  hooks: CallbackHooks;
  /** A pino logger (or `false` for none). */
  logger: FastifyBaseLogger | false;
}
