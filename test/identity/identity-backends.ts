/** The store backends the identity tests run on: SQLite always, PostgreSQL when reachable (see helper). */
import { postgresAvailable } from '../helpers/postgres.js';
import { postgresBackend, sqliteBackend, type Backend } from '../store/store-backends.js';

export type { Backend };

/** `[name, make]` pairs for `describe.each`. */
export async function identityBackends(): Promise<Array<[string, () => Promise<Backend>]>> {
  const list: Array<[string, () => Promise<Backend>]> = [['sqlite', async () => sqliteBackend()]];
  if (await postgresAvailable()) list.push(['postgres', postgresBackend]);
  return list;
}
