/**
 * How far behind the job queue is: the due time of the oldest pending job that is due (runAt ≤ now), for the
 * `weunion_job_queue_oldest_age_seconds` gauge. A job backed off to later is not late, so only due ones count.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * @example
 *   const runAt = await oldestDueJobRunAt(opened.db, clock.now()); // null when nothing is waiting
 */
export async function oldestDueJobRunAt(db: Kysely<Database>, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('run_at').as('oldest'))
    .where('status', '=', 'pending')
    .where('run_at', '<=', now)
    .executeTakeFirst();
  const oldest = row?.oldest;
  return oldest === null || oldest === undefined ? null : Number(oldest);
}
