/**
 * One weunion server process of a test cluster (or of bench/cluster.ts): `startService` — the wiring `weunion start`
 * uses — on the config in WEUNION_CLUSTER_CONFIG (JSON), with a clock the parent moves over IPC
 * (`{ advanceSeconds }` → `{ advanced }`), so time can pass for every process at once. Prints `LISTENING <url>`;
 * SIGTERM closes gracefully and exits 0.
 *   node --import tsx test/cluster/instance.ts
 */
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startService } from '../../src/server/main.js';

const raw = process.env.WEUNION_CLUSTER_CONFIG;
if (!raw) throw new TypeError('WEUNION_CLUSTER_CONFIG (a JSON config) is required');
const clock = new ManualClock();
const service = await startService({
  config: parseConfig(JSON.parse(raw), process.env),
  clock,
  ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
});

process.once('SIGTERM', () => {
  void service.close().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`close failed: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
});
process.on('message', (m: { advanceSeconds?: unknown }) => {
  if (typeof m?.advanceSeconds !== 'number') return;
  clock.advance(m.advanceSeconds);
  process.send?.({ advanced: m.advanceSeconds });
});
process.channel?.unref(); // the IPC channel alone must not keep a closed service alive
process.stdout.write(`LISTENING ${service.url}\n`);
