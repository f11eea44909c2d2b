/**
 * The composition root: from a parsed Config to the running pieces (store, WeChat gateway, sessions, at-rest
 * cipher). Used by `weunion start`, the demo, the tests' stack helper and the benchmarks, so all run the same wiring.
 */
import type { FastifyBaseLogger } from 'fastify';
import { systemClock, type Clock } from '../clock.js';
import { loadOrCreateDataKeys } from '../config/data-keys.js';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors.js';
import { createUserId } from '../identity/index.js';
import { createAtRestCipher } from '../secrets/at-rest-cipher.js';
import { createSessionTokens } from '../sessions/session-tokens.js';
import { openStore } from '../store/index.js';
import type { HttpTransport } from '../wechat/api/http-transport.js';
import type { AppDeps } from './deps.js';
import { createWeChatGateway } from './wechat-gateway.js';

export interface Composed {
  deps: AppDeps;
  close(): Promise<void>;
}

export async function compose(
  config: Config,
  options: { clock?: Clock; logger?: FastifyBaseLogger | false; fetch?: HttpTransport; migrate?: boolean } = {},
): Promise<Composed> {
  const clock = options.clock ?? systemClock;
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
      timeoutMs: config.wechat.timeoutMs,
      tokenMode: config.wechat.tokenMode,
      apps: config.apps,
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const deps: AppDeps = {
      config,
      store: opened.store,
      wechat: gateway,
      sessions,
      atRest: createAtRestCipher(keys.atRestKey),
      clock,
      newId: createUserId,
      logger: options.logger ?? false,
    };
    return { deps, close: () => opened.close() };
  } catch (e) {
    await opened.close();
    throw e;
  }
}
