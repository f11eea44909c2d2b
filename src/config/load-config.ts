/** Reads, substitutes and validates the configuration once, at the entry point. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';
import { stripJsonComments } from './json-comments.js';

/** Replaces `${NAME}` in every string of a JSON value with `env[NAME]`; a missing variable is an error. */
export function substituteEnv(value: unknown, env: Record<string, string | undefined>, at: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        throw new AppError('ERR_CONFIG_INVALID', { message: `config ${at.join('.') || '(root)'}: environment variable ${name} is not set` });
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...at, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...at, k])]));
  }
  return value;
}

/**
 * Validates a config object (defaults applied). A bad config throws ERR_CONFIG_INVALID naming every bad field.
 * @example parseConfig({ apps: [{ appid: 'wx…', secret: '${MP_SECRET}', kind: 'miniprogram' }] }, process.env)
 */
export function parseConfig(input: ConfigInput | unknown, env: Record<string, string | undefined> = {}): Config {
  const substituted = substituteEnv(input, env);
  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('ERR_CONFIG_INVALID', { message: `invalid weunion config:\n${lines.join('\n')}` });
  }
  const cfg = result.data;
  return Object.freeze({ ...cfg, storage: cfg.storage ?? `sqlite:${path.join(cfg.dataDir, 'weunion.db')}` });
}

export interface ConfigSource {
  /** The file that was read, or null when none exists (sandbox mode). */
  file: string | null;
  raw: unknown;
}

/** Finds the config file: `WEUNION_CONFIG`, else `./weunion.config.json`; null when neither exists. */
export function readConfigSource(env: Record<string, string | undefined>, cwd: string): ConfigSource {
  const explicit = env.WEUNION_CONFIG;
  const file = explicit ? path.resolve(cwd, explicit) : path.resolve(cwd, 'weunion.config.json');
  if (!existsSync(file)) {
    if (explicit) throw new AppError('ERR_CONFIG_INVALID', { message: `WEUNION_CONFIG points at ${file}, which does not exist` });
    return { file: null, raw: null };
  }
  try {
    return { file, raw: JSON.parse(stripJsonComments(readFileSync(file, 'utf8'))) };
  } catch (e) {
    throw new AppError('ERR_CONFIG_INVALID', { message: `${file} is not valid JSON: ${(e as Error).message}` });
  }
}
