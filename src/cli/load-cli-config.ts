/**
 * The config a CLI command runs on, read once: `WEUNION_CONFIG` or `./weunion.config.json`, with `${VAR}`s from the
 * environment — or, when neither exists, the sandbox (`config/demo-config.ts`: demo apps and the built-in emulator),
 * which the caller must say out loud (and `weunion start` refuses under NODE_ENV=production).
 */
import { demoConfig } from '../config/demo-config.js';
import { parseConfig, readConfigSource } from '../config/load-config.js';
import type { Config } from '../config/schema.js';

export interface CliConfig {
  config: Config;
  /** The file read, or null for the sandbox. */
  file: string | null;
  sandbox: boolean;
}

export function loadCliConfig(env: Record<string, string | undefined>, cwd: string): CliConfig {
  const source = readConfigSource(env, cwd);
  if (source.file !== null) return { config: parseConfig(source.raw, env), file: source.file, sandbox: false };
  const raw = demoConfig({
    port: env.PORT ? Number(env.PORT) : 3000,
    emulatorPort: env.EMULATOR_PORT ? Number(env.EMULATOR_PORT) : 3001,
  });
  return { config: parseConfig(raw, env), file: null, sandbox: true };
}
