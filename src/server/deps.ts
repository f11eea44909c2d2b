/** What `buildApp` needs: everything with I/O is passed in (the composition root is `compose.ts`). */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { AppConfig, Config } from '../config/schema.js';
import type { AtRestCipher } from '../secrets/at-rest-cipher.js';
import type { SessionTokens } from '../sessions/session-tokens.js';
import type { IdentityStore } from '../store/port.js';

/** The few WeChat calls the mini program flows make, already bound to credentials and tokens. */
export interface MiniProgramGateway {
  /** `sns/jscode2session`; concurrent calls with one code share one upstream call. */
  code2Session(app: AppConfig, code: string): Promise<{ openid: string; sessionKey: string; unionid?: string | undefined }>;
  /** `wxa/checksession`: true when `sessionKey` is still the person's current key, false when WeChat says 87009. */
  isSessionKeyCurrent(app: AppConfig, openid: string, sessionKey: string): Promise<boolean>;
}

export interface AppDeps {
  config: Config;
  store: IdentityStore;
  wechat: MiniProgramGateway;
  sessions: SessionTokens;
  atRest: AtRestCipher;
  clock: Clock;
  newId: () => string;
  /** A pino logger (or `false` for none). */
  logger: FastifyBaseLogger | false;
}
