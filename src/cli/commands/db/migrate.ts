/** `weunion migrate`: applies the schema migrations to the configured database and prints each result. */
import { demoConfig } from '../../../config/demo-config.js';
import { parseConfig, readConfigSource } from '../../../config/load-config.js';
import { openStore } from '../../../store/index.js';

export async function runMigrate(env: Record<string, string | undefined>, cwd: string): Promise<number> {
  const source = readConfigSource(env, cwd);
  const config = parseConfig(source.raw ?? demoConfig(), env);
  const opened = await openStore(config.storage, { poolSize: 1 });
  try {
    const { error, results = [] } = await opened.migrate();
    for (const r of results) process.stdout.write(`${r.status}\t${r.migrationName}\n`);
    if (error) {
      process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    if (results.length === 0) process.stdout.write('schema is current; nothing to apply\n');
    return 0;
  } finally {
    await opened.close();
  }
}
