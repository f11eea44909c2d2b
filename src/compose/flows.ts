/**
 * The use-case layer built once (Logto's `Libraries`): every flow of `src/flows/` given exactly the slice of the
 * deployment it needs. The routes call these; the job runner runs `oaJobs`.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { createAdminFlows } from '../flows/admin/admin-flows.js';
import { adminStats } from '../flows/admin/admin-stats.js';
import { createEventFeed } from '../flows/admin/event-feed.js';
import type { AdminActor } from '../flows/admin/admin-actor.js';
import type { CallbackHooks } from '../flows/oa/callback-hooks.js';
import { createOaJobHandlers } from '../flows/oa/oa-jobs.js';
import { createCallbackHealth } from '../flows/oa/callback-health.js';
import { createOaPush } from '../flows/oa/oa-push.js';
import { createLoginCodes } from '../flows/login-codes.js';
import { createMpLogin } from '../flows/mp/mp-login.js';
import { createMpPaidUnionid } from '../flows/mp/mp-paid-unionid.js';
import { createMpPhone } from '../flows/mp/mp-phone.js';
import { createMpUnionid } from '../flows/mp/mp-unionid.js';
import { createSessionKeyCheck } from '../flows/mp/session-key-check.js';
import { createOAuthLogin } from '../flows/oauth/oauth-login.js';
import { createOAuthWeb } from '../flows/oauth/oauth-web.js';
import type { LoginObserver } from '../flows/login-observer.js';
import type { FlowSignals, JobWake, RandomBytes, WeChatGateway } from '../flows/ports.js';
import { createQrLogin } from '../flows/qr-login/qr-login.js';
import { createSessionExchange } from '../flows/session-exchange.js';
import type { IdentityService } from '../identity/index.js';
import type { AtRestCipher } from '../secrets/at-rest-cipher.js';
import type { SessionService } from '../flows/sessions/session-service.js';
import type { WeunionStore } from '../store/port.js';

export interface FlowParts {
  config: Config;
  store: WeunionStore;
  wechat: WeChatGateway;
  sessions: SessionService;
  atRest: AtRestCipher;
  identity: IdentityService;
  clock: Clock;
  random: RandomBytes;
  hooks: CallbackHooks;
  wake: JobWake;
  signals: FlowSignals;
  /** Told of every login (the metrics); absent = nobody counts. */
  logins?: LoginObserver | undefined;
}

export type Flows = ReturnType<typeof createFlows>;

/** How often a long-polling pull feed re-reads the outbox (no writer notifies it yet: identity writes are in the store). */
const EVENT_FEED_RECHECK_MS = 200;

/**
 * @example
 *   const flows = createFlows({ config, store, wechat, sessions, atRest, identity, clock, random, hooks, wake, signals });
 *   await flows.mpLogin.login(app, { code });
 */
export function createFlows(p: FlowParts) {
  const { config, store, wechat, sessions, identity, clock, random } = p;
  const logins = p.logins ? { logins: p.logins } : {};
  const maxAgeSeconds = config.userData.maxAgeSeconds;
  const loginCodes = createLoginCodes({ flows: store.flows, clock, random, ttlSeconds: config.flows.loginCodeTtlSeconds });
  const qrLogin = createQrLogin({ flows: store.flows, wechat, loginCodes, signals: p.signals, clock, random, ttlSeconds: config.flows.qrLoginTtlSeconds });
  const oauthLogin = createOAuthLogin({ wechat, identity, sessions, ...logins });
  return Object.freeze({
    loginCodes,
    mpLogin: createMpLogin({ wechat, identity, atRest: p.atRest, sessions, clock, maxAgeSeconds, ...logins }),
    mpUnionid: createMpUnionid({
      keyCheck: createSessionKeyCheck({ wechat, clock }),
      identity,
      identities: store.identity,
      atRest: p.atRest,
      sessions,
      clock,
      maxAgeSeconds,
      ...logins,
    }),
    mpPhone: createMpPhone({ wechat, identity, identities: store.identity, profile: store.profile, clock }),
    mpPaidUnionid: createMpPaidUnionid({ wechat, identity, identities: store.identity, sessions, ...logins }),
    oauthLogin,
    oauthWeb: createOAuthWeb({
      states: { flows: store.flows, clock, random, ttlSeconds: config.flows.oauthStateTtlSeconds },
      oauthLogin,
      loginCodes,
      openBaseUrl: config.wechat.openBaseUrl,
    }),
    qrLogin,
    oaPush: createOaPush({
      flows: store.flows,
      jobs: store.jobs,
      wake: p.wake,
      hooks: p.hooks,
      qrLogin,
      clock,
      random,
      windowSeconds: config.callback.timestampWindowSeconds,
      health: createCallbackHealth({ store: store.health, clock }),
    }),
    oaJobs: createOaJobHandlers({ config, wechat, identity, identities: store.identity, profile: store.profile, qrLogin, ...logins }),
    sessionExchange: createSessionExchange({ loginCodes, identity, identities: store.identity, sessions }),
    admin: createAdminFlows({ config, store: store.admin, profile: store.profile, sessions: store.sessions, clock }),
    eventFeed: createEventFeed({ data: store.data, users: store.admin, signals: p.signals, recheckMs: EVENT_FEED_RECHECK_MS }),
    adminStats: (actor: AdminActor) => adminStats({ config, data: store.data, jobs: store.jobs, clock }, actor),
  });
}
