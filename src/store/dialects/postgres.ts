/** The PostgreSQL dialect: a pg Pool whose int8 columns come back as numbers. */
import { PostgresDialect } from 'kysely';
import pg from 'pg';

export interface PostgresDialectOptions {
  /** Maximum connections in the pool. Default 10. */
  poolSize?: number;
  /** Called when an idle pooled client errors (e.g. the server restarted); the pool drops it. */
  onPoolError?: (error: Error) => void;
  /** Handed the pool once it is made (the metrics read its counts: total, idle, waiting). */
  onPool?: (pool: pg.Pool) => void;
}

const INT8_OID = 20;

/**
 * int8 (bigint, count(*)) → number. Our int8 values are epoch ms, ids and counts, all far below 2^53;
 * anything larger is refused rather than silently rounded.
 */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} does not fit a JS number`);
  return n;
}

/**
 * The parser table for this pool only: `pg.types.setTypeParser` would change every pool in the
 * process (other libraries included), so the override is passed through the pool's `types` option.
 */
const poolTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A Kysely PostgreSQL dialect over a new pool for `connectionString` (`postgres://…`; extra libpq
 * settings such as `?options=-c%20search_path%3Dmyschema` pass through).
 * @example
 *   const db = new Kysely<Database>({ dialect: createPostgresDialect(url, { poolSize: 20 }) });
 */
export function createPostgresDialect(connectionString: string, options: PostgresDialectOptions = {}): PostgresDialect {
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new TypeError('poolSize must be an integer ≥ 1');
  const pool = new pg.Pool({ connectionString, max: poolSize, types: poolTypes });
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (error) => options.onPoolError?.(error));
  options.onPool?.(pool);
  return new PostgresDialect({ pool });
}
