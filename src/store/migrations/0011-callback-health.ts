/**
 * 0011-callback-health — what WeChat last sent to each official account's callback URL, and how it went.
 *
 * Why: the commonest reason an official account gives weunion no unionid is a callback WeChat sends and weunion
 * refuses — a Token or EncodingAESKey that differs from the console's, a message mode set differently, a clock
 * off by minutes. The refusals are answered 4xx and logged, but a log line is gone by the time support asks
 * "why is the unionid empty?". One row per appid keeps the last accepted and the last refused callback (its error
 * code, never its body), a count of refusals since the last acceptance, and the clock difference the last
 * callback's timestamp showed; `weunion doctor` reads it. Any instance writes it (at most once a minute per app
 * while nothing changes), so the row is the cluster's view.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0011CallbackHealth: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('callback_health')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('last_ok_at', 'bigint')
      .addColumn('last_failure_at', 'bigint')
      .addColumn('last_failure_code', 'text')
      .addColumn('failures_since_ok', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('skew_seconds', 'integer')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('callback_health_pk', ['appid'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('callback_health').execute();
  },
};
