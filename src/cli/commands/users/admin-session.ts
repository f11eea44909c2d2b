/**
 * What the `weunion users …` commands share: the configured store opened directly (no server needed), the admin
 * flows over it, the operator as actor (`cli:<login name>`, with every union in view), and the arguments parsed.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../../../clock.js';
import { AppError } from '../../../errors.js';
import { type AdminActor, type AdminFlows, createAdminFlows } from '../../../flows/admin/admin-flows.js';
import { openStore } from '../../../store/index.js';
import { loadCliConfig } from '../../load-cli-config.js';
import type { CliContext } from '../command.js';

export interface ParsedArgs {
  positionals: string[];
  values: { reason?: string; app?: string; union?: string; json?: boolean };
}

/** Parses `args` (positionals and --reason/--app/--union/--json); a wrong count is reported with the usage. */
export function usersArgs(ctx: CliContext, usage: string, positionals: number, options: { reason?: boolean } = {}): ParsedArgs | undefined {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...ctx.args],
      allowPositionals: true,
      strict: true,
      options: { reason: { type: 'string' }, app: { type: 'string' }, union: { type: 'string' }, json: { type: 'boolean' } },
    }) as ParsedArgs;
  } catch (e) {
    ctx.err(`${(e as Error).message}\nusage: ${usage}\n`);
    return undefined;
  }
  if (parsed.positionals.length !== positionals) {
    ctx.err(`expected ${positionals} argument${positionals === 1 ? '' : 's'}\nusage: ${usage}\n`);
    return undefined;
  }
  if (options.reason && !parsed.values.reason?.trim()) {
    ctx.err(`--reason is required: it is kept with the event\nusage: ${usage}\n`);
    return undefined;
  }
  return parsed;
}

/** Runs `fn` with the admin flows over the configured store, closed afterwards; an AppError is printed with its code. */
export async function withAdmin(ctx: CliContext, fn: (admin: AdminFlows, actor: AdminActor) => Promise<number>): Promise<number> {
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  const opened = await openStore(config.storage, { poolSize: 2 });
  try {
    const state = await opened.checkSchema();
    if (state !== 'current') {
      ctx.err(`the database schema is ${state} of this build: run \`npx weunion migrate\` first\n`);
      return 1;
    }
    const admin = createAdminFlows({ config, store: opened.store.admin, profile: opened.store.profile, sessions: opened.store.sessions, clock: systemClock });
    return await fn(admin, { name: `cli:${loginName(ctx)}`, union: null });
  } catch (e) {
    if (e instanceof AppError) {
      ctx.err(`${e.code}: ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}\n`);
      return 1;
    }
    throw e;
  } finally {
    await opened.close();
  }
}

function loginName(ctx: CliContext): string {
  try {
    return ctx.env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}
