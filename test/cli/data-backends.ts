/**
 * Where the data commands' CLI tests keep their database: a SQLite file in the test's folder, and PostgreSQL (in a
 * fresh schema per call) when reachable — always in CI (helpers/postgres.ts fails there otherwise). Each gives the
 * `storage` URL to put in the config the CLI process reads, and opens the same database for the test to look at.
 */
import path from 'node:path';
import { openStore, type OpenedStore } from '../../src/store/open-store.js';
import { createTestSchema, postgresAvailable } from '../helpers/postgres.js';

export interface DataBackend {
  storage: string;
  open(): Promise<OpenedStore>;
  drop(): Promise<void>;
}

export type MakeBackend = (dir: string) => Promise<DataBackend>;

export async function dataBackends(): Promise<Array<[string, MakeBackend]>> {
  const list: Array<[string, MakeBackend]> = [
    [
      'sqlite',
      async (dir) => {
        const storage = `sqlite:${path.join(dir, 'w.db')}`;
        return { storage, open: () => openStore(storage), drop: async () => undefined };
      },
    ],
  ];
  if (await postgresAvailable()) {
    list.push([
      'postgres',
      async () => {
        const schema = await createTestSchema();
        return { storage: schema.url, open: () => openStore(schema.url), drop: () => schema.drop() };
      },
    ]);
  }
  return list;
}
