/**
 * Runs weunion on a parsed config: composes the dependencies, listens, starts the job runner and housekeeping, and
 * closes everything gracefully. It never starts the built-in emulator (the production start path does not import
 * `src/emulator/`): the sandbox is the CLI's (`cli/sandbox/`), which starts the emulator and hands this a config
 * pointing at it.
 */
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { type Clock, systemClock } from '../clock.js';
import { compose } from '../compose/compose.js';
import { startHousekeeping } from '../compose/housekeeping.js';
import { REDACT_PATHS } from '../compose/redact-paths.js';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors.js';
import type { CallbackHooks } from '../flows/oa/callback-hooks.js';
import { buildApp } from './app.js';

export interface StartServiceOptions {
  config: Config;
  /** Default the system clock (the sandbox passes the emulator's virtual clock; tests a ManualClock). */
  clock?: Clock;
  /** Default a pino logger at `logLevel` with the secret fields redacted. */
  logger?: FastifyBaseLogger | false;
  /** Default `config.server.logLevel` (the CLI passes LOG_LEVEL). */
  logLevel?: string;
  /** Official-account message/event handlers of the embedding application. */
  hooks?: CallbackHooks;
}

export interface RunningService {
  url: string;
  config: Config;
  close(): Promise<void>;
}

/**
 * @example
 *   const service = await startService({ config: parseConfig(raw, process.env) });
 *   process.once('SIGTERM', () => void service.close());
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config } = options;
  if (config.wechat.emulator) {
    throw new AppError('ERR_CONFIG_INVALID', {
      message:
        'wechat.emulator is set: the built-in emulator is started by the CLI (`weunion start`), not by startService(); ' +
        'run the CLI, or start an emulator yourself and point wechat.baseUrl at it',
    });
  }
  const logger =
    options.logger ??
    (pino({ level: options.logLevel ?? config.server.logLevel, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }) as FastifyBaseLogger);
  const composed = await compose(config, { clock: options.clock ?? systemClock, logger, ...(options.hooks ? { hooks: options.hooks } : {}) });
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;
  try {
    app = await buildApp(composed.deps);
    url = await app.listen({ port: config.server.port, host: config.server.host });
  } catch (e) {
    await composed.close();
    throw e;
  }
  composed.deps.jobs.start();
  composed.deps.webhooks.start();
  const stopHousekeeping = startHousekeeping(composed.deps);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopHousekeeping();
      // Stop accepting (new requests get 503, /readyz says not ready, long polls answer now), finish in-flight requests.
      await app.close();
      await composed.close(); // stop claiming jobs, wait for the jobs in flight, then close the pools (database, Redis)
    })());
  return { url, config, close };
}
