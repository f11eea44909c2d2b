/**
 * `weunion start` (`weunion server start`): the service on the configured apps, or — with no config file — the
 * sandbox: the demo apps and the built-in emulator, said loudly, and refused under NODE_ENV=production, as is a
 * configured built-in emulator unless WEUNION_ALLOW_EMULATOR=1 says it is meant, an official account or website
 * app without `publicUrl` (its OAuth redirect_uri would come from the client's Host header), and keys it would have
 * to generate (config/production-guard.ts).
 */
import { DEMO_APPS } from '../../../config/demo-config.js';
import { refuseUnsafeProduction } from '../../../config/production-guard.js';
import type { Config } from '../../../config/schema.js';
import { AppError } from '../../../errors.js';
import type { RunningService } from '../../../server/main.js';
import { loadCliConfig } from '../../load-cli-config.js';
import { stopWhenNpmParentExits } from '../../npm-parent-watch.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Runs weunion. Reads ./weunion.config.json (or the file in WEUNION_CONFIG); without one it runs the
SANDBOX: the demo apps against the built-in WeChat emulator, with a SQLite file in ./.weunion.

environment:
  WEUNION_CONFIG          the config file (default ./weunion.config.json)
  PORT, EMULATOR_PORT     the sandbox's ports (default 3000, 3001)
  LOG_LEVEL               overrides server.logLevel
  NODE_ENV=production     refuses the sandbox, the built-in emulator, official-account or
                          website apps without publicUrl, and keys it would have to generate
  WEUNION_ALLOW_EMULATOR=1  allows a configured wechat.emulator under NODE_ENV=production
  WEUNION_ALLOW_GENERATED_KEYS=1  allows generating <dataDir>/keys.json under NODE_ENV=production

example:
  npx weunion start
  WEUNION_CONFIG=/etc/weunion.json NODE_ENV=production npx weunion start`;

function refuseInProduction(ctx: CliContext, sandbox: boolean, config: Config): void {
  if (ctx.env.NODE_ENV !== 'production') return;
  if (sandbox) {
    throw new AppError('ERR_CONFIG_INVALID', {
      message:
        'NODE_ENV=production and no config file (./weunion.config.json or WEUNION_CONFIG): refusing to start the sandbox, ' +
        'whose demo apps, generated keys and built-in emulator are for trying weunion, not for serving people',
    });
  }
  refuseUnsafeProduction(config, ctx.env); // the built-in emulator, no publicUrl, keys it would generate
}

async function run(ctx: CliContext): Promise<null> {
  const loaded = loadCliConfig(ctx.env, ctx.cwd);
  refuseInProduction(ctx, loaded.sandbox, loaded.config);
  let sandbox: Sandbox | null = null;
  let service: RunningService;
  try {
    // Loaded here, not at the top: the other commands (an import, a backfill) need none of the server's modules.
    const [{ startService }, { startSandbox }] = await Promise.all([import('../../../server/main.js'), import('../../sandbox/start-sandbox.js')]);
    sandbox = loaded.config.wechat.emulator ? await startSandbox(loaded.config) : null;
    service = await startService({
      config: sandbox?.config ?? loaded.config,
      ...(sandbox ? { clock: sandbox.clock } : {}),
      ...(ctx.env.LOG_LEVEL ? { logLevel: ctx.env.LOG_LEVEL } : {}),
    });
  } catch (e) {
    await sandbox?.close();
    throw e;
  }
  sandbox?.connect(service.url);
  // Before anything is printed: whoever waits for the banner may signal at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.out(`\n${signal}: closing…\n`);
    await service.close(); // stop accepting, finish in-flight requests and jobs, close the pools
    await sandbox?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  stopWhenNpmParentExits(ctx.env, () => void stop('npm exited'));
  ctx.out(banner(loaded.sandbox, loaded.file, service, sandbox));
  return null;
}

function banner(isSandbox: boolean, file: string | null, service: RunningService, sandbox: Sandbox | null): string {
  const emulatorLine = sandbox ? `  emulator  ${sandbox.emulatorUrl}   (the BUILT-IN WeChat emulator, not WeChat: ${service.config.wechat.baseUrl})` : null;
  if (!isSandbox) {
    return [`weunion listening on ${service.url} (config ${file}, storage ${service.config.storage})`, ...(emulatorLine ? [emulatorLine] : []), ''].join('\n');
  }
  const e = sandbox!.emulatorUrl;
  return `${[
    '',
    'weunion is running in SANDBOX mode: no weunion.config.json found (WEUNION_CONFIG unset), so the demo apps run',
    'against the built-in WeChat emulator, with generated keys in ./.weunion. Not for production.',
    `  API       ${service.url}`,
    `  emulator  ${e}   (a local WeChat: legacy unionid rule; its control API listens on loopback only)`,
    `  storage   ${service.config.storage}`,
    '',
    'Try it:',
    `  P=$(curl -s -XPOST ${e}/__emulator/persons -H 'content-type: application/json' -d '{}' | sed 's/.*"id":"\\([^"]*\\)".*/\\1/')`,
    `  C=$(curl -s -XPOST ${e}/__emulator/wx.login -H 'content-type: application/json' -d "{\\"appid\\":\\"${DEMO_APPS.mp1}\\",\\"person\\":\\"$P\\"}" | sed 's/.*"code":"\\([^"]*\\)".*/\\1/')`,
    `  curl -s -XPOST ${service.url}/v1/mp/${DEMO_APPS.mp1}/login -H 'content-type: application/json' -d "{\\"code\\":\\"$C\\"}"`,
    '',
    'Or watch the whole story:  npm run demo      (Ctrl-C stops the service)',
    '',
  ].join('\n')}\n`;
}

export const serverStart: CliCommand = {
  name: 'server start',
  aliases: ['start'],
  summary: 'run the service (the sandbox when there is no config file)',
  help: HELP,
  run,
};
