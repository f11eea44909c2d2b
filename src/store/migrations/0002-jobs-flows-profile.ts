/**
 * 0002-jobs-flows-profile — durable jobs, flow records, follow state and phone numbers (issue 3).
 *
 * Why: the official-account callback must answer WeChat within 5 s yet never lose the `user/info` lookup behind a
 * follow, so the work is a row in `jobs` written before we answer, claimed by one instance at a time (`status` +
 * `run_at` index; `locked_until` is the lease a dead worker's job is re-claimed after) and deduplicated by
 * `dedup_key` (WeChat retries a push up to 3 times; NULLs stay distinct on both dialects). OAuth `state`s,
 * one-time login codes and scan-to-follow tickets live in `flows`, in the database every instance shares, so any
 * instance can finish a flow another started; `lookup_key` indexes the QR scene a `SCAN` event names. Follow state
 * is per official-account identity (`app_identities.subscribed`: null unknown / 0 / 1, with the time it was
 * recorded, so an old event cannot overwrite a newer one). The phone number is per person, so it sits on `users`
 * (a merge moves it to the survivor when the survivor has none) rather than in a table of its own.
 * JSON columns are text on both dialects, as `events.data` is: one code path, no jsonb/JSON1 differences.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectName } from '../dialects/dialect-name.js';

export const migration0002JobsFlowsProfile: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const dialect = dialectName(db);

    // The id only grows (claim order ties, and no reuse of an id a log line mentioned).
    let jobs = db.schema.createTable('jobs');
    jobs =
      dialect === 'sqlite'
        ? jobs.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        : jobs.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
    await jobs
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'running', 'done', 'failed')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('dedup_key', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('jobs_dedup_key_uq', ['dedup_key'])
      .execute();
    // claimJobs: `status = 'pending' and run_at <= now` (and the few running rows, by status, for expired leases).
    await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['status', 'run_at']).execute();

    await db.schema
      .createTable('flows')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('lookup_key', 'text')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('flows_pk', ['id'])
      .execute();
    await db.schema.createIndex('flows_lookup_idx').on('flows').columns(['kind', 'lookup_key']).execute();
    // deleteExpiredFlows sweeps by expiry.
    await db.schema.createIndex('flows_expires_at_idx').on('flows').column('expires_at').execute();

    // SQLite adds one column per ALTER TABLE.
    for (const [column, type] of [
      ['phone_number', 'text'],
      ['phone_pure', 'text'],
      ['phone_country', 'text'],
      ['phone_at', 'bigint'],
    ] as const) {
      await db.schema.alterTable('users').addColumn(column, type).execute();
    }
    await db.schema
      .alterTable('app_identities')
      .addColumn('subscribed', 'integer', (c) => c.check(sql`subscribed in (0, 1)`))
      .execute();
    await db.schema.alterTable('app_identities').addColumn('subscribed_at', 'bigint').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const column of ['subscribed_at', 'subscribed']) {
      await db.schema.alterTable('app_identities').dropColumn(column).execute();
    }
    for (const column of ['phone_at', 'phone_country', 'phone_pure', 'phone_number']) {
      await db.schema.alterTable('users').dropColumn(column).execute();
    }
    await db.schema.dropTable('flows').execute();
    await db.schema.dropTable('jobs').execute();
  },
};
