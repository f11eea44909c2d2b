/**
 * Driver errors → the port's error classes, for both dialects, so the identity layer never looks at a
 * driver code. Anything else is returned unchanged.
 */
import { AppError } from '../errors.js';
import { CONSTRAINTS } from './schema.js';
import { RetryableTransactionError, UniqueViolationError } from './port.js';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** Maps a thrown driver error to UniqueViolationError / RetryableTransactionError, else returns it. */
export function mapDbError(e: unknown): unknown {
  if (e instanceof UniqueViolationError || e instanceof RetryableTransactionError) return e;
  if (typeof e !== 'object' || e === null) return e;
  const { code, constraint, message } = e as DriverError;
  switch (code) {
    // PostgreSQL: https://www.postgresql.org/docs/current/errcodes-appendix.html
    case '23505':
      return new UniqueViolationError(typeof constraint === 'string' ? constraint : 'unknown', { cause: e });
    case '40001':
      return new RetryableTransactionError('serialization', { cause: e });
    case '40P01':
      return new RetryableTransactionError('deadlock', { cause: e });
    // The database is there but cannot take us now (too many connections, shutting down, starting up), or the
    // connection failed: a 503 the client may retry, not a 500 bug.
    case '53300':
    case '57P01':
    case '57P03':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return new AppError('ERR_STORE_UNAVAILABLE', { cause: e });
    // SQLite extended result codes, as better-sqlite3 names them: https://sqlite.org/rescode.html
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return new UniqueViolationError(sqliteConstraintName(typeof message === 'string' ? message : ''), { cause: e });
    case 'SQLITE_BUSY':
    case 'SQLITE_BUSY_SNAPSHOT':
    case 'SQLITE_BUSY_RECOVERY':
      return new RetryableTransactionError('busy', { cause: e });
    default:
      return e;
  }
}

/**
 * SQLite names no constraint, only columns ("UNIQUE constraint failed: app_identities.appid,
 * app_identities.openid"): the table gives back the constraint name PostgreSQL would report.
 */
function sqliteConstraintName(message: string): string {
  const table = /constraint failed: (\w+)\./.exec(message)?.[1];
  if (table !== undefined && table in CONSTRAINTS) return CONSTRAINTS[table as keyof typeof CONSTRAINTS];
  return table ?? 'unknown';
}

/** Runs `fn`, rethrowing any driver error through `mapDbError`. */
export async function withDbErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapDbError(e);
  }
}
