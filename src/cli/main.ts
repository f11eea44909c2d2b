/** The `weunion` command: one verb per file under commands/. Config is read once, by the command. */
import { AppError } from '../errors.js';
import { runMigrate } from './commands/db/migrate.js';
import { runDemo } from './commands/demo/run.js';
import { runEmulator } from './commands/emulator/start.js';
import { runStart } from './commands/server/start.js';

const HELP = `usage: weunion <command>

  start      run the service (sandbox with the built-in emulator when there is no weunion.config.json)
  emulator   run only the local WeChat emulator (EMULATOR_PORT, default 3001)
  migrate    apply database migrations to the configured storage
  demo       play the mini program story against an in-process sandbox and narrate it

config: ./weunion.config.json or the file in WEUNION_CONFIG; \${ENV} is substituted in strings.
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const env = process.env;
  const cwd = process.cwd();
  switch (command) {
    case 'start':
      await runStart(env, cwd);
      return -1; // keeps running
    case 'emulator':
      await runEmulator(env, cwd);
      return -1;
    case 'migrate':
      return runMigrate(env, cwd);
    case 'demo':
      return runDemo(env);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    if (e instanceof AppError) process.stderr.write(`weunion: ${e.message}\n`);
    else process.stderr.write(`weunion: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
