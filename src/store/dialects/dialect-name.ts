/** Which SQL dialect a Kysely instance speaks: the few places that differ (DDL, BEGIN) ask this. */
import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** Reads the dialect off the Kysely adapter; a TypeError for any other dialect. */
// biome-ignore lint/suspicious/noExplicitAny: reads only the dialect, whatever the tables
export function dialectName(db: Kysely<any>): DialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new TypeError(`unsupported Kysely dialect: ${adapter.constructor.name}`);
}
