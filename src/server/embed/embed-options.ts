/**
 * The options of `weunion/fastify` and `weunion/node`, checked at registration: a wrong or missing option fails
 * there, with a message naming the field (a typo found at the first request would be found in production).
 */
import type { Clock } from '../../clock.js';
import { parseConfig } from '../../config/load-config.js';
import { refuseUnsafeProduction } from '../../config/production-guard.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import { AppError, isAppError } from '../../errors.js';
import type { CallbackHooks } from '../../flows/oa/callback-hooks.js';

export interface WeunionEmbedOptions {
  /** The weunion config: what a weunion.config.json holds (`${VAR}`s are substituted from `env`), or parseConfig()'s result. */
  config: ConfigInput | Config;
  /** Where weunion's routes are mounted (`/auth` → `/auth/v1/mp/:appid/login`); default ''. */
  prefix?: string;
  /** For `${VAR}` substitution and the production checks (NODE_ENV…). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default the system clock. */
  clock?: Clock;
  /** Official-account message/event handlers (`createCallbackHooks()`). */
  hooks?: CallbackHooks;
  /** Run the durable job runner and housekeeping in this process. Default true. */
  jobs?: boolean;
}

const KNOWN = new Set(['config', 'prefix', 'env', 'clock', 'hooks', 'jobs']);
// What Fastify itself passes to a plugin among its options.
const FASTIFY_OWN = new Set(['logLevel', 'logSerializers']);

export interface CheckedEmbedOptions {
  config: Config;
  prefix: string;
  env: Record<string, string | undefined>;
  clock?: Clock;
  hooks?: CallbackHooks;
  jobs: boolean;
}

/** Validates the options and parses the config; throws ERR_CONFIG_INVALID naming the field. */
export function checkEmbedOptions(where: string, options: unknown): CheckedEmbedOptions {
  const fail = (message: string): never => {
    throw new AppError('ERR_CONFIG_INVALID', { message: `${where}: ${message}` });
  };
  if (typeof options !== 'object' || options === null) return fail('options must be an object with at least `config`');
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key) && !FASTIFY_OWN.has(key)) fail(`options.${key} is not an option (known: ${[...KNOWN].join(', ')})`);
  }
  if (o.config === undefined || o.config === null) fail('options.config is required: the weunion config (what weunion.config.json holds)');
  if (typeof o.config !== 'object' || Array.isArray(o.config)) fail('options.config must be an object (what weunion.config.json holds)');
  const prefix = o.prefix ?? '';
  if (typeof prefix !== 'string' || (prefix !== '' && !/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(prefix))) {
    fail(`options.prefix must be '' or a path like '/auth' (starting with /, not ending with /), not ${JSON.stringify(prefix)}`);
  }
  const env = o.env ?? process.env;
  if (typeof env !== 'object' || env === null) fail('options.env must be an object of environment variables');
  if (o.clock !== undefined && typeof (o.clock as Clock | null)?.now !== 'function') fail('options.clock must be a Clock (an object with now())');
  if (o.hooks !== undefined && (typeof o.hooks !== 'object' || o.hooks === null)) fail('options.hooks must come from createCallbackHooks()');
  if (o.jobs !== undefined && typeof o.jobs !== 'boolean') fail('options.jobs must be true or false');
  let config: Config;
  try {
    config = parseConfig(o.config, env as Record<string, string | undefined>);
  } catch (e) {
    // parseConfig's message lists every bad field: say they are under options.config.
    if (isAppError(e, 'ERR_CONFIG_INVALID')) throw new AppError('ERR_CONFIG_INVALID', { message: `${where}: options.config: ${e.message}` });
    throw e;
  }
  if (config.wechat.emulator) {
    fail(
      'options.config.wechat.emulator is set: the built-in emulator is started by the CLI (`weunion start`) only; ' +
        'start one yourself (createEmulator() from weunion) and point wechat.baseUrl, openBaseUrl and mpBaseUrl at it',
    );
  }
  try {
    refuseUnsafeProduction(config, env as Record<string, string | undefined>);
  } catch (e) {
    if (isAppError(e, 'ERR_CONFIG_INVALID')) throw new AppError('ERR_CONFIG_INVALID', { message: `${where}: ${e.message}` });
    throw e;
  }
  return {
    config,
    prefix: prefix as string,
    env: env as Record<string, string | undefined>,
    ...(o.clock ? { clock: o.clock as Clock } : {}),
    ...(o.hooks ? { hooks: o.hooks as CallbackHooks } : {}),
    jobs: (o.jobs as boolean | undefined) ?? true,
  };
}
