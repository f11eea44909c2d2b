/**
 * 0014-event-feed-order — the pull feed's order is commit order, not id order (docs/events.md "Pull feed").
 *
 * Why: PostgreSQL hands out identity values before commit. Transaction T1 takes event id 10, T2 takes 11 and commits
 * first; a reader that saw 11 and moved its cursor past it would never see 10 when T1 commits. The webhook router does
 * not care (it marks rows, 0012), but the feed is a cursor. Each event now records the 64-bit id of the transaction
 * that wrote it (`pg_current_xact_id()`, never wraps), and the feed walks `(tx, id)` reading only rows whose `tx` is
 * below the oldest transaction still running (`pg_snapshot_xmin`): every row that can still appear later belongs to a
 * transaction at or above that bound, so it sorts after anything already handed out. The price: an open write
 * transaction holds the feed back until it ends (commit or rollback). SQLite has one writer at a time, so id order is
 * commit order there; `tx` stays 0 and the feed walks ids as before. Rows written before this migration get tx 0: they
 * are all committed, in id order, and sort before every later row.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { dialectName } from '../dialects/dialect-name.js';

export const migration0014EventFeedOrder: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('events')
      .addColumn('tx', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    if (dialectName(db) === 'postgres') {
      await sql`alter table events alter column tx set default (pg_current_xact_id()::text::bigint)`.execute(db);
    }
    await db.schema.createIndex('events_tx_id_idx').on('events').columns(['tx', 'id']).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('events_tx_id_idx').execute();
    await db.schema.alterTable('events').dropColumn('tx').execute();
  },
};
