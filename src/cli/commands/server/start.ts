/** `weunion start`: the service (sandbox mode with the built-in emulator when no config file exists). */
import { startService } from '../../../server/main.js';
import { DEMO_APPS } from '../../../config/demo-config.js';

export async function runStart(env: Record<string, string | undefined>, cwd: string): Promise<void> {
  const service = await startService({ env, cwd });
  // Before anything is printed: whoever waits for the banner may signal at once.
  const stop = async (signal: string) => {
    process.stdout.write(`\n${signal}: closing…\n`);
    await service.close(); // stop accepting, finish in-flight requests and jobs, close the pools
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  if (service.sandbox) {
    const lines = [
      '',
      'weunion is running in SANDBOX mode (no weunion.config.json found).',
      `  API       ${service.url}`,
      `  emulator  ${service.emulatorUrl}   (a local WeChat: legacy unionid rule)`,
      `  storage   ${service.config.storage}`,
      '',
      'Try it:',
      `  P=$(curl -s -XPOST ${service.emulatorUrl}/__emulator/persons -H 'content-type: application/json' -d '{}' | sed 's/.*"id":"\\([^"]*\\)".*/\\1/')`,
      `  C=$(curl -s -XPOST ${service.emulatorUrl}/__emulator/wx.login -H 'content-type: application/json' -d "{\\"appid\\":\\"${DEMO_APPS.mp1}\\",\\"person\\":\\"$P\\"}" | sed 's/.*"code":"\\([^"]*\\)".*/\\1/')`,
      `  curl -s -XPOST ${service.url}/v1/mp/${DEMO_APPS.mp1}/login -H 'content-type: application/json' -d "{\\"code\\":\\"$C\\"}"`,
      '',
      'Or watch the whole story:  npm run demo      (Ctrl-C stops the service)',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    process.stdout.write(`weunion listening on ${service.url} (config ${service.config.storage})\n`);
  }
}
