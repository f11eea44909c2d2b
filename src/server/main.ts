/**
 * Starts weunion: reads the config once (or falls back to the sandbox), starts the built-in emulator when asked,
 * composes the dependencies, listens, and closes everything gracefully on SIGINT/SIGTERM.
 */
import pino from 'pino';
import { ManualClock, systemClock, type Clock } from '../clock.js';
import { demoConfig } from '../config/demo-config.js';
import { parseConfig, readConfigSource } from '../config/load-config.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { createEmulator } from '../emulator/index.js';
import { buildApp, REDACT_PATHS } from './app.js';
import { compose } from './compose.js';
import { emulatorAppsFor, officialAccountCallbacks } from './emulator-apps.js';
import { startHousekeeping } from './housekeeping.js';

export interface RunningService {
  url: string;
  emulatorUrl: string | null;
  config: Config;
  sandbox: boolean;
  close(): Promise<void>;
}

export async function startService(options: {
  env: Record<string, string | undefined>;
  cwd: string;
  /** A config object to use instead of reading a file (the demo passes its own sandbox). */
  config?: ConfigInput;
  /** The clock of a deployment without the built-in emulator (default the system clock; tests move a ManualClock). */
  clock?: Clock;
}): Promise<RunningService> {
  const { env, cwd } = options;
  const source = options.config ? { file: '(given)', raw: options.config } : readConfigSource(env, cwd);
  const sandbox = source.file === null || options.config !== undefined;
  const raw =
    source.raw ??
    demoConfig({
      port: env.PORT ? Number(env.PORT) : 3000,
      emulatorPort: env.EMULATOR_PORT ? Number(env.EMULATOR_PORT) : 3001,
    });
  let config = parseConfig(raw, env);
  const logger = pino({ level: env.LOG_LEVEL ?? config.server.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });

  let clock: Clock = options.clock ?? systemClock;
  let emulator: Awaited<ReturnType<typeof createEmulator>> | null = null;
  let emulatorUrl: string | null = null;
  if (config.wechat.emulator) {
    const virtual = new ManualClock();
    emulator = await createEmulator({
      apps: emulatorAppsFor(config),
      unionidRule: config.wechat.emulator.unionidRule,
      rotateSessionKeyOnLogin: config.wechat.emulator.rotateSessionKeyOnLogin,
      clock: virtual,
      logger: false,
    });
    emulatorUrl = await emulator.listen({ port: config.wechat.emulator.port, host: config.server.host });
    // WeChat's API host and its browser pages (OAuth consent, QR login) are both the emulator in the sandbox.
    config = Object.freeze({ ...config, wechat: { ...config.wechat, baseUrl: emulatorUrl, openBaseUrl: emulatorUrl, mpBaseUrl: emulatorUrl } });
    clock = virtual; // the sandbox shares the emulator's virtual clock, so moving it moves token and code expiry alike
  }

  const composed = await compose(config, { clock, logger });
  const app = await buildApp(composed.deps);
  const url = await app.listen({ port: config.server.port, host: config.server.host });
  if (emulator) for (const { appid, callbackUrl } of officialAccountCallbacks(config, url)) emulator.configureApp(appid, { callbackUrl });
  composed.deps.jobs.start();
  const stopHousekeeping = startHousekeeping(composed.deps);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopHousekeeping();
      // Stop accepting (new requests get 503, /readyz says not ready, long polls answer now), finish in-flight requests.
      await app.close();
      await composed.close(); // stop claiming jobs, wait for the jobs in flight, then close the pools (database, Redis)
      if (emulator) await emulator.close();
    })());
  return { url, emulatorUrl, config, sandbox, close };
}
