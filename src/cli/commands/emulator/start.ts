/** `weunion emulator` (`weunion emulator start`): the local WeChat alone (the configured apps, or the sandbox's), for your own tests. */
import { createEmulator } from '../../../emulator/index.js';
import { loadCliConfig } from '../../load-cli-config.js';
import { emulatorAppsFor } from '../../sandbox/emulator-apps.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Runs only the built-in WeChat emulator, for the configured apps (or the sandbox's): the same endpoints
as api.weixin.qq.com plus a control API under /__emulator/ (persons, wx.login, follow, clock, faults…).

environment:
  EMULATOR_PORT           default wechat.emulator.port, else 3001
  EMULATOR_HOST           default 127.0.0.1 (the control API is unauthenticated: keep it on loopback)
  EMULATOR_UNIONID_RULE   current | legacy (whether code2session carries the unionid for non-followers)

example:
  EMULATOR_PORT=4001 npx weunion emulator`;

async function run(ctx: CliContext): Promise<null> {
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  const rule = (ctx.env.EMULATOR_UNIONID_RULE ?? config.wechat.emulator?.unionidRule ?? 'current') as 'current' | 'legacy';
  const emulator = await createEmulator({
    apps: emulatorAppsFor(config),
    unionidRule: rule,
    rotateSessionKeyOnLogin: config.wechat.emulator?.rotateSessionKeyOnLogin ?? false,
    logger: false,
  });
  const port = Number(ctx.env.EMULATOR_PORT ?? config.wechat.emulator?.port ?? 3001);
  const url = await emulator.listen({ port, host: ctx.env.EMULATOR_HOST ?? config.wechat.emulator?.host ?? '127.0.0.1' });
  ctx.out(`weunion emulator (local WeChat, unionid rule "${rule}") on ${url}\n`);
  for (const a of emulatorAppsFor(config)) ctx.out(`  ${a.kind.padEnd(16)} ${a.appid}  openAppid=${a.openAppid ?? '(unbound)'}\n`);
  ctx.out(`control API: ${url}/__emulator/… (see README)\n`);
  const stop = async () => {
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return null;
}

export const emulatorStart: CliCommand = { name: 'emulator start', aliases: ['emulator'], summary: 'run only the local WeChat emulator', help: HELP, run };
