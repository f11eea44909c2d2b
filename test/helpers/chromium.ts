/**
 * Debian's Chromium for the browser tests, launched as a playwright-core browser server so the test holds its
 * process: closing is graceful first (every context, then the browser, bounded) and a SIGKILL after, so a Chromium
 * slow to exit on a loaded machine cannot hold an `afterAll` past its timeout (it did, once, under four parallel
 * runs). The close says on stderr how long it took when it was slow.
 */
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, type BrowserServer, chromium } from 'playwright-core';

const CHROMIUM = process.env.WEUNION_CHROMIUM ?? '/usr/bin/chromium';

export interface TestChromium {
  browser: Browser;
  /** Graceful within `graceMs` (default 15 s), then killed; never throws. */
  close(graceMs?: number): Promise<void>;
}

/** Installs Debian's chromium when it is missing (apt-get, as root; fails the file, never skips it), then launches it. */
export async function launchTestChromium(): Promise<TestChromium> {
  execFileSync('bash', ['scripts/ensure-chromium.sh'], { stdio: 'inherit', timeout: 600_000 });
  const server: BrowserServer = await chromium.launchServer({ executablePath: CHROMIUM });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    async close(graceMs = 15_000) {
      const t0 = Date.now();
      const bounded = (p: Promise<unknown>) => Promise.race([p.then(() => true).catch(() => true), sleep(graceMs).then(() => false)]);
      const contexts = await bounded(Promise.all(browser.contexts().map((c) => c.close())));
      const closed = contexts && (await bounded(browser.close()));
      if (!closed || Date.now() - t0 > 5000)
        process.stderr.write(`chromium: graceful close ${closed ? 'took' : 'gave up after'} ${Date.now() - t0} ms; killing it\n`);
      await server.kill().catch(() => undefined);
    },
  };
}
