/** `weunion emulator`: the local WeChat alone (the configured apps, or the sandbox's), for your own tests. */
import { demoConfig } from '../../../config/demo-config.js';
import { parseConfig, readConfigSource } from '../../../config/load-config.js';
import { createEmulator } from '../../../emulator/index.js';
import { emulatorAppsFor } from '../../../server/emulator-apps.js';

export async function runEmulator(env: Record<string, string | undefined>, cwd: string): Promise<void> {
  const source = readConfigSource(env, cwd);
  const config = parseConfig(source.raw ?? demoConfig(), env);
  const rule = (env.EMULATOR_UNIONID_RULE ?? config.wechat.emulator?.unionidRule ?? 'current') as 'current' | 'legacy';
  const emulator = await createEmulator({
    apps: emulatorAppsFor(config),
    unionidRule: rule,
    rotateSessionKeyOnLogin: config.wechat.emulator?.rotateSessionKeyOnLogin ?? false,
    logger: false,
  });
  const port = Number(env.EMULATOR_PORT ?? config.wechat.emulator?.port ?? 3001);
  const url = await emulator.listen({ port, host: env.EMULATOR_HOST ?? '127.0.0.1' });
  process.stdout.write(`weunion emulator (local WeChat, unionid rule "${rule}") on ${url}\n`);
  for (const a of emulatorAppsFor(config)) process.stdout.write(`  ${a.kind.padEnd(16)} ${a.appid}  openAppid=${a.openAppid ?? '(unbound)'}\n`);
  process.stdout.write(`control API: ${url}/__emulator/… (see README)\n`);
  const stop = async () => {
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
