/**
 * `npm run test:leaks`: runs the whole e2e suite (test/e2e, plus the fault matrix in test/faults) with every stack's
 * server logging at debug level into a fresh folder (WEUNION_LEAK_SCAN), then scans it (scan.ts). Exits non-zero when the suite fails or any secret is
 * found in a log line or an error response, printing where. The folder is kept when something was found (or with
 * WEUNION_LEAK_KEEP=1) and removed otherwise.
 *
 *   npm run test:leaks [-- <vitest args, default test/e2e test/faults>]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatReport, scanLeaks } from './scan.js';

const dir = mkdtempSync(path.join(tmpdir(), 'weunion-leaks-'));
const targets = process.argv.slice(2);
// The fault matrix drives every upstream failure through the routes: its error answers are scanned too.
const suite = spawnSync('npx', ['vitest', 'run', ...(targets.length ? targets : ['test/e2e', 'test/faults'])], {
  stdio: 'inherit',
  env: { ...process.env, WEUNION_LEAK_SCAN: dir },
});
const report = scanLeaks(dir);
console.log(formatReport(report, dir));
const failed = suite.status !== 0 || report.hits.length > 0 || report.stacks === 0;
if (suite.status !== 0) console.error(`the suite itself failed (exit ${suite.status ?? suite.signal})`);
if (failed || process.env.WEUNION_LEAK_KEEP === '1') console.log(`logs and records kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
