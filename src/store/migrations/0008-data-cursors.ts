/**
 * 0008-data-cursors — where the operators' long data runs (`weunion import`, `weunion backfill followers`) keep how
 * far they got.
 *
 * Why: a run over a million rows or followers is stopped by a deploy, a Ctrl-C or WeChat's daily quota (45009); it
 * must go on from where it stopped, from any machine, without walking everything again. The cursor lives in the
 * database the run writes to, so it is as durable as what was already written. One row per run name (e.g.
 * `import:<file key>`, `backfill:<appid>`); `value` is the run's own JSON.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0008DataCursors: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('data_cursors')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('data_cursors_pk', ['name'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('data_cursors').execute();
  },
};
