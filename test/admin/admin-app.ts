/**
 * The admin API under test: the real route app (test/helpers/route-app.ts) with admin keys configured and a second
 * union (`beta`, with its own mini program) for the tenant checks, over in-memory SQLite or a fresh PostgreSQL
 * schema (migrated here, dropped by `close`).
 */
import { createHash } from 'node:crypto';
import type { AppConfig, Config } from '../../src/config/schema.js';
import { openStore } from '../../src/store/index.js';
import { createTestSchema, postgresAvailable } from '../helpers/postgres.js';
import { type RouteApp, startRouteApp } from '../helpers/route-app.js';

export const KEYS = {
  read: 'wua_test_read_0123456789abcdef',
  write: 'wua_test_write_0123456789abcdef',
  acme: 'wua_test_acme_only_0123456789ab',
  beta: 'wua_test_beta_only_0123456789ab',
} as const;
export const BETA_MP = 'wxtestbeta0000mp01';

const sha = (k: string) => createHash('sha256').update(k).digest('hex');

export function withAdmin(c: Config, storage?: string): Config {
  const betaMp: AppConfig = { appid: BETA_MP, secret: 'secret-beta', kind: 'miniprogram', union: 'beta', redirectAllowList: [], trustDecryptedUnionid: false };
  return {
    ...c,
    ...(storage ? { storage } : {}),
    unions: [...c.unions, { id: 'beta' }],
    apps: [...c.apps, betaMp],
    admin: {
      keys: [
        { name: 'reader', sha256: sha(KEYS.read), scopes: ['read'] },
        { name: 'ops', sha256: sha(KEYS.write), scopes: ['read', 'write'] },
        { name: 'acme-ops', sha256: sha(KEYS.acme), scopes: ['read', 'write'], union: 'acme' },
        { name: 'beta-ops', sha256: sha(KEYS.beta), scopes: ['read', 'write'], union: 'beta' },
      ],
    },
  };
}

export type Make = () => Promise<RouteApp>;

/** `[name, make]` per backend: SQLite always, PostgreSQL when reachable (required when CI=true). */
export async function adminBackends(): Promise<Array<[string, Make]>> {
  const list: Array<[string, Make]> = [['sqlite', () => startRouteApp({ configure: (c) => withAdmin(c) })]];
  if (await postgresAvailable()) {
    list.push([
      'postgres',
      async () => {
        const schema = await createTestSchema();
        const opened = await openStore(schema.url);
        const { error } = await opened.migrate();
        await opened.close();
        if (error) throw error;
        const app = await startRouteApp({ configure: (c) => withAdmin(c, schema.url) });
        return { ...app, close: async () => (await app.close(), await schema.drop()) };
      },
    ]);
  }
  return list;
}
