/**
 * PostgreSQL for tests: 127.0.0.1:5432, user postgres, database `test` (override with
 * WEUNION_TEST_PG_URL). Each test file works in its own fresh schema, dropped afterwards.
 * Unreachable server: in CI (CI=true) the suite fails; elsewhere it is skipped with a message.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL = process.env.WEUNION_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * True when PostgreSQL answers. False (with a console warning) when it does not and we are not in CI;
 * throws in CI so a missing database can never turn into a green run.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL at ${redact(TEST_PG_URL)} is unreachable and CI=true: failing (${why})`);
    }
    console.warn(`\n[weunion tests] SKIPPING PostgreSQL tests: ${redact(TEST_PG_URL)} unreachable (${why}). Set CI=true to fail instead.\n`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestSchema {
  schema: string;
  /** TEST_PG_URL with `search_path` set to the schema, for openStore(). */
  url: string;
  drop(): Promise<void>;
}

/** Creates schema `t_<random>` and returns a URL whose connections use it. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: url.toString(),
    drop: () => adminQuery(`drop schema if exists ${schema} cascade`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
