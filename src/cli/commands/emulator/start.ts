/** `weunion emulator` (`weunion emulator start`): the local WeChat alone (the configured apps, or the sandbox's), for your own tests. */
import { resolve } from 'node:path';
import { createEmulator, type EmulatorApp } from '../../../emulator/index.js';
import { applySeed, readSeed } from '../../../emulator/seed.js';
import { loadCliConfig } from '../../load-cli-config.js';
import { emulatorAppsFor } from '../../sandbox/emulator-apps.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Runs only the built-in WeChat emulator, for the configured apps (or the sandbox's): the same endpoints
as api.weixin.qq.com plus a control API under /__emulator/ (persons, wx.login, follow, clock, faults…).

environment:
  EMULATOR_PORT           default wechat.emulator.port, else 3001
  EMULATOR_HOST           default 127.0.0.1 (the control API is unauthenticated: keep it on loopback)
  EMULATOR_UNIONID_RULE   current | legacy (whether code2session carries the unionid for non-followers)

options:
  --seed FILE             a JSON seed: { "apps": [...], "persons": [{ "name": "Ann", "follows": ["wxoa…"] }] }
                          (its apps replace the configured ones; docs/emulator.md)

example:
  EMULATOR_PORT=4001 npx weunion emulator
  npx weunion emulator --seed ./emulator-seed.json`;

async function run(ctx: CliContext): Promise<number | null> {
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  const rule = (ctx.env.EMULATOR_UNIONID_RULE ?? config.wechat.emulator?.unionidRule ?? 'current') as 'current' | 'legacy';
  const seedAt = ctx.args.indexOf('--seed');
  const seedPath = seedAt === -1 ? undefined : ctx.args[seedAt + 1];
  const unknown = ctx.args.filter((_arg, i) => seedAt === -1 || (i !== seedAt && i !== seedAt + 1));
  if (unknown.length > 0 || (seedAt !== -1 && seedPath === undefined)) {
    ctx.err(`weunion emulator: ${unknown.length > 0 ? `unexpected argument "${unknown[0]}"` : '--seed needs a file'} (see weunion emulator --help)\n`);
    return 1;
  }
  const seed = seedPath === undefined ? undefined : readSeed(resolve(ctx.cwd, seedPath));
  const apps: EmulatorApp[] = seed?.apps ?? emulatorAppsFor(config);
  const emulator = await createEmulator({
    apps,
    unionidRule: rule,
    rotateSessionKeyOnLogin: config.wechat.emulator?.rotateSessionKeyOnLogin ?? false,
    logger: false,
  });
  const port = Number(ctx.env.EMULATOR_PORT ?? config.wechat.emulator?.port ?? 3001);
  const url = await emulator.listen({ port, host: ctx.env.EMULATOR_HOST ?? config.wechat.emulator?.host ?? '127.0.0.1' });
  ctx.out(`weunion emulator (local WeChat, unionid rule "${rule}") on ${url}\n`);
  if (seed !== undefined) ctx.out(`seeded ${(await applySeed(emulator, seed)).length} person(s) from ${seedPath}\n`);
  for (const a of apps) ctx.out(`  ${a.kind.padEnd(16)} ${a.appid}  openAppid=${a.openAppid ?? '(unbound)'}\n`);
  ctx.out(`control API: ${url}/__emulator/… (see README)\n`);
  const stop = async () => {
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return null;
}

export const emulatorStart: CliCommand = {
  name: 'emulator start',
  aliases: ['emulator'],
  summary: 'run only the local WeChat emulator',
  help: HELP,
  takesArgs: true,
  run,
};
