/**
 * A query Kysely builds and compiles once, then runs with new values: for the reads every login makes (the fast
 * path of resolveLogin), where building the query each time cost more than SQLite running it (a login's profile in
 * bench/login-baseline.ts: Kysely's builder ~9% of the server's CPU). The query is written with Kysely as usual,
 * against placeholder values; each placeholder becomes a bound parameter of the compiled SQL, so values are never
 * spliced into the text. With the SQLite statement cache (dialects/statement-cache.ts) the SQL text is also
 * prepared only once.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Runs the compiled query on `db` (the pool, or a transaction, of the dialect that built it) with one value per placeholder name. */
// biome-ignore lint/suspicious/noExplicitAny: a prepared query runs on a transaction or the pool alike, whatever the tables
export type PreparedQuery<Names extends string, Row> = (db: Kysely<any>, values: Readonly<Record<Names, unknown>>) => Promise<Row[]>;

/**
 * @example
 *   const byOpenid = prepareQuery(['appid', 'openid'], (p) =>
 *     db.selectFrom('app_identities').selectAll().where('appid', '=', p.appid).where('openid', '=', p.openid));
 *   const [row] = await byOpenid(db, { appid, openid });
 */
export function prepareQuery<Names extends string, Row>(
  names: readonly Names[],
  build: (placeholders: Readonly<Record<Names, string>>) => Compilable<Row>,
): PreparedQuery<Names, Row> {
  // Only the compile below sees these (real values are bound at run time), so a fixed tag cannot be confused.
  const tag = '\u0000weunion-placeholder:';
  const placeholders = Object.fromEntries(names.map((n) => [n, `${tag}${n}`])) as Record<Names, string>;
  const compiled = build(placeholders).compile();
  const slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(tag) ? (p.slice(tag.length) as Names) : undefined));
  for (const n of names) {
    if (!slots.includes(n)) throw new TypeError(`prepareQuery: the placeholder ${n} is not a parameter of the query`);
  }
  return async (target, values) => {
    const parameters = slots.map((name, i) => (name === undefined ? compiled.parameters[i] : values[name]));
    const { rows } = await target.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return rows;
  };
}
