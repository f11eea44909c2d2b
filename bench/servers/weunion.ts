/**
 * Bench subject: weunion on its embedded defaults (SQLite file, in-memory caches), WeChat = the bench emulator.
 * WEUNION_STORAGE overrides the store (a seeded `sqlite:<file>` or a `postgres://…` URL: bench/growth.ts).
 * The job runner is not started (as in `buildApp` without main.ts): official-account pushes are enqueued, not run,
 * so bench/callback.ts measures the callback's request path only.
 * WEUNION_METRICS=<token> turns `/metrics` on with that token (bench/metrics-overhead.ts).
 * WEUNION_WEBHOOK_URL=<url> configures one webhook endpoint for the demo union (every event type) and starts the
 * webhook worker, as main.ts does (bench/webhooks-login-overhead.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoConfig } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import { buildApp } from '../../src/server/app.js';
import { compose } from '../../src/compose/compose.js';

const emulatorUrl = process.env.EMULATOR_URL!;
const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-'));
const storage = process.env.WEUNION_STORAGE ? { storage: process.env.WEUNION_STORAGE, migrations: 'auto' as const } : {};
// One client IP and one appid send every login: the login rate limit must not be what is measured.
const base = parseConfig({
  ...demoConfig({ port: 0, dataDir }),
  ...storage,
  wechat: { baseUrl: emulatorUrl },
  rateLimit: { perIpPerMinute: 1e9, perAppPerMinute: 1e9 },
  ...(process.env.WEUNION_METRICS ? { metrics: { enabled: true, token: process.env.WEUNION_METRICS } } : {}),
  ...(process.env.WEUNION_WEBHOOK_URL
    ? {
        webhooks: {
          allowPrivateAddresses: true,
          endpoints: [{ id: 'bench', union: 'acme', url: process.env.WEUNION_WEBHOOK_URL, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
        },
      }
    : {}),
});
const composed = await compose(base, { logger: false });
const app = await buildApp(composed.deps);
if (process.env.WEUNION_WEBHOOK_URL) composed.deps.webhooks.start();
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => composed.close())
      .then(() => process.exit(0)),
);
