/**
 * Everything a stack's SQLite file holds, as one digest: "nothing half-written" means the digest taken before a
 * failed request equals the one taken after it (every table, every column, not only row counts).
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Stack } from '../helpers/stack.js';

/** The SQLite file behind a stack (the default storage of `startStack`). */
export function sqlitePath(stack: Stack): string {
  const storage = stack.config.storage;
  if (!storage.startsWith('sqlite:')) throw new TypeError(`db digest needs a SQLite stack, got ${storage.split(':')[0]}`);
  return storage.slice('sqlite:'.length);
}

/** Runs `fn` on a read-only connection to the stack's database (WAL: it sees every committed write). */
export function withDb<T>(stack: Stack, fn: (db: Database.Database) => T): T {
  const db = new Database(sqlitePath(stack), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Per table (bar `exclude` and the migration bookkeeping): row count and a SHA-256 of every row in rowid order. */
export function dbDigest(stack: Stack, exclude: readonly string[] = []): Record<string, string> {
  return withDb(stack, (db) => {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name`)
      .all() as Array<{ name: string }>;
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      if (exclude.includes(name)) continue;
      const rows = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
      out[name] = `${rows.length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16)}`;
    }
    return out;
  });
}

export interface JobView {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

/** Every job row, oldest first. */
export function listJobs(stack: Stack): JobView[] {
  return withDb(stack, (db) =>
    (db.prepare('SELECT id, kind, status, attempts, last_error AS lastError FROM jobs ORDER BY id').all() as JobView[]).map((j) => ({
      ...j,
      id: Number(j.id),
    })),
  );
}
