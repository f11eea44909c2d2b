/** `weunion migrate` (`weunion db migrate`): applies the schema migrations to the configured database and prints each result. */
import { openStore } from '../../../store/index.js';
import { loadCliConfig } from '../../load-cli-config.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Applies the pending schema migrations to the configured storage (SQLite file or PostgreSQL), once,
before instances of a new build start (PostgreSQL instances refuse to start on a schema behind their build).

example:
  WEUNION_CONFIG=/etc/weunion.json npx weunion migrate`;

async function run(ctx: CliContext): Promise<number> {
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  const opened = await openStore(config.storage, { poolSize: 1 });
  try {
    const { error, results = [] } = await opened.migrate();
    for (const r of results) ctx.out(`${r.status}\t${r.migrationName}\n`);
    if (error) {
      ctx.err(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    if (results.length === 0) ctx.out('schema is current; nothing to apply\n');
    return 0;
  } finally {
    await opened.close();
  }
}

export const dbMigrate: CliCommand = {
  name: 'db migrate',
  aliases: ['migrate'],
  summary: 'apply database migrations to the configured storage',
  help: HELP,
  run,
};
