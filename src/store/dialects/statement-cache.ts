/**
 * Kysely's SQLite driver calls `prepare(sql)` for every query it runs; preparing is most of what a small query costs
 * on better-sqlite3. The identity queries are a handful of fixed SQL texts, so their prepared statements are kept
 * (bounded, least-recently-used) and reused. Safe because better-sqlite3 is synchronous: a statement never runs twice
 * at once.
 */
import type { Database as BetterSqlite3Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export function withStatementCache(db: BetterSqlite3Database, maxStatements = 200): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql); // re-insert: Map order is our recency order
      } else {
        statement = db.prepare(sql);
        if (cache.size >= maxStatements) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
