/**
 * Bench peer: the emulator alone in its own process, printing its URL. EMULATOR_UNIONID_RULE: `current` (default: a
 * bound app always gets the unionid from code2session) or `legacy` (only followers do: the others' logins decrypt).
 */
import { parseConfig } from '../../src/config/load-config.js';
import { demoConfig } from '../../src/config/demo-config.js';
import { createEmulator } from '../../src/emulator/index.js';
import { emulatorAppsFor } from '../../src/cli/sandbox/emulator-apps.js';

const config = parseConfig(demoConfig());
const unionidRule = process.env.EMULATOR_UNIONID_RULE === 'legacy' ? 'legacy' : 'current';
const emulator = await createEmulator({ apps: emulatorAppsFor(config), unionidRule, logger: false });
const url = await emulator.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
