/**
 * The composition root: from a parsed Config to the running pieces (store, WeChat gateway, sessions, at-rest
 * cipher, job runner, callback hooks). Used by `weunion start`, the demo, the tests' stack helper and the
 * benchmarks, so all run the same wiring.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { systemClock, type Clock } from '../clock.js';
import { loadOrCreateDataKeys } from '../config/data-keys.js';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors.js';
import { createUserId } from '../identity/index.js';
import { createJobRunner } from '../jobs/index.js';
import { createAtRestCipher } from '../secrets/at-rest-cipher.js';
import { createSessionTokens } from '../sessions/session-tokens.js';
import { openStore } from '../store/index.js';
import type { HttpTransport } from '../wechat/api/http-transport.js';
import type { AppDeps } from './deps.js';
import { createJobHandlers } from './jobs/handlers.js';
import { createCallbackHooks, type CallbackHooks } from './oa/callback-hooks.js';
import { createWeChatGateway } from './wechat-gateway.js';

export interface Composed {
  deps: AppDeps;
  close(): Promise<void>;
}

export interface ComposeOptions {
  clock?: Clock;
  logger?: FastifyBaseLogger | false;
  fetch?: HttpTransport;
  migrate?: boolean;
  /** Official-account message/event handlers of the embedding application. */
  hooks?: CallbackHooks;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? false;
  const keys = await loadOrCreateDataKeys(config);
  const opened = await openStore(config.storage, { poolSize: config.storagePoolSize });
  try {
    if (options.migrate !== false) {
      const { error } = await opened.migrate();
      if (error) throw new AppError('ERR_STORE_SCHEMA', { message: `migrating ${config.storage.split(':')[0]} storage failed: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
    const sessions = await createSessionTokens({
      signingJwk: keys.signingJwk,
      issuer: config.session.issuer,
      ttlSeconds: config.session.ttlSeconds,
      clock,
    });
    const gateway = createWeChatGateway({
      baseUrl: config.wechat.baseUrl,
      mpBaseUrl: config.wechat.mpBaseUrl,
      timeoutMs: config.wechat.timeoutMs,
      tokenMode: config.wechat.tokenMode,
      apps: config.apps,
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const deps = {
      config,
      store: opened.store,
      wechat: gateway,
      sessions,
      atRest: createAtRestCipher(keys.atRestKey),
      clock,
      newId: createUserId,
      random: randomBytes,
      hooks: options.hooks ?? createCallbackHooks(),
      logger,
    } as Omit<AppDeps, 'jobs'> as AppDeps;
    const runner = createJobRunner({
      store: opened.store,
      clock,
      handlers: createJobHandlers(deps),
      ...(logger ? { logger } : {}),
      pollMs: config.jobs.pollMs,
      leaseMs: config.jobs.leaseMs,
      maxAttempts: config.jobs.maxAttempts,
      concurrency: config.jobs.concurrency,
    });
    (deps as { jobs: AppDeps['jobs'] }).jobs = runner;
    return {
      deps,
      close: async () => {
        await runner.stop();
        await opened.close();
      },
    };
  } catch (e) {
    await opened.close();
    throw e;
  }
}
