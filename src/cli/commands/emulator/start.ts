/** `weunion emulator` (`weunion emulator start`): the local WeChat alone (the configured apps, or the sandbox's), for your own tests. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EmulatorApp } from '../../../emulator/index.js';
import { loadCliConfig } from '../../load-cli-config.js';
import { emulatorAppsFor } from '../../sandbox/emulator-apps.js';
import type { CliCommand, CliContext } from '../command.js';
import { trustHints } from './trust-hints.js';

const HELP = `Runs only the built-in WeChat emulator, for the configured apps (or the sandbox's): the same endpoints
as api.weixin.qq.com plus a control API under /__emulator/ (persons, wx.login, follow, clock, faults…).

environment:
  EMULATOR_PORT           default wechat.emulator.port, else 3001
  EMULATOR_HOST           default 127.0.0.1 (the control API is unauthenticated: keep it on loopback)
  EMULATOR_UNIONID_RULE   current | legacy (whether code2session carries the unionid for non-followers)
  EMULATOR_HTTPS_PORT     with --https: the HTTPS port, default 3443 (0 = any free port)

options:
  --seed FILE             a JSON seed: { "apps": [...], "persons": [{ "name": "Ann", "follows": ["wxoa…"] }] }
                          (its apps replace the configured ones; docs/emulator.md)
  --https                 also serve HTTPS (same routes and state), for SDKs that build only https:// URLs; on first
                          run makes a local CA and a certificate for localhost/127.0.0.1/::1 (needs openssl), then
                          reuses them; prints the CA certificate's path and how to trust it
  --ca-dir DIR            where the CA lives (default <dataDir>/emulator-ca, i.e. ./.weunion/emulator-ca)
  --https-port N          the HTTPS port (default EMULATOR_HTTPS_PORT, else 3443)

example:
  EMULATOR_PORT=4001 npx weunion emulator
  npx weunion emulator --seed ./emulator-seed.json
  npx weunion emulator --https --ca-dir ~/.weunion/emulator-ca`;

type Args = { seed?: string; https?: boolean; 'ca-dir'?: string; 'https-port'?: string };

function parse(ctx: CliContext): Args | string {
  try {
    const { values } = parseArgs({
      args: [...ctx.args],
      strict: true,
      options: { seed: { type: 'string' }, https: { type: 'boolean' }, 'ca-dir': { type: 'string' }, 'https-port': { type: 'string' } },
    });
    const v = values as Args;
    if (!v.https && (v['ca-dir'] !== undefined || v['https-port'] !== undefined)) return '--ca-dir and --https-port go with --https';
    if (v['https-port'] !== undefined && !/^\d{1,5}$/.test(v['https-port'])) return '--https-port needs a port number';
    return v;
  } catch (e) {
    const message = (e as Error).message;
    const positional = /Unexpected argument '([^']*)'/.exec(message);
    return positional ? `unexpected argument "${positional[1]}"` : /--seed/.test(message) ? '--seed needs a file' : message;
  }
}

async function run(ctx: CliContext): Promise<number | null> {
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  const rule = (ctx.env.EMULATOR_UNIONID_RULE ?? config.wechat.emulator?.unionidRule ?? 'current') as 'current' | 'legacy';
  const args = parse(ctx);
  if (typeof args === 'string') {
    ctx.err(`weunion emulator: ${args} (see weunion emulator --help)\n`);
    return 1;
  }
  const seedPath = args.seed;
  // Before listening: a CA that cannot be made should stop the start, not leave a half-up emulator.
  // Loaded here, not at the top: the other commands need none of the emulator's modules.
  const [{ createEmulator, ensureLocalCa }, { applySeed, readSeed }] = await Promise.all([
    import('../../../emulator/index.js'),
    import('../../../emulator/seed.js'),
  ]);
  const ca = args.https ? ensureLocalCa(resolve(ctx.cwd, args['ca-dir'] ?? join(config.dataDir, 'emulator-ca'))) : undefined;
  const seed = seedPath === undefined ? undefined : readSeed(resolve(ctx.cwd, seedPath));
  const apps: EmulatorApp[] = seed?.apps ?? emulatorAppsFor(config);
  const emulator = await createEmulator({
    apps,
    unionidRule: rule,
    rotateSessionKeyOnLogin: config.wechat.emulator?.rotateSessionKeyOnLogin ?? false,
    logger: false,
  });
  const port = Number(ctx.env.EMULATOR_PORT ?? config.wechat.emulator?.port ?? 3001);
  const host = ctx.env.EMULATOR_HOST ?? config.wechat.emulator?.host ?? '127.0.0.1';
  const url = await emulator.listen({ port, host });
  ctx.out(`weunion emulator (local WeChat, unionid rule "${rule}") on ${url}\n`);
  if (ca !== undefined) {
    const httpsPort = Number(args['https-port'] ?? ctx.env.EMULATOR_HTTPS_PORT ?? 3443);
    ctx.out(trustHints(ca, await emulator.listenHttps({ key: ca.key, cert: ca.cert, port: httpsPort, host })));
  }
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
