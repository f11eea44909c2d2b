/**
 * 0016-webhook-open-order-index — the per-user order check reads only the deliveries still out.
 *
 * Why: a delivery is due only when no older delivery of the same endpoint and user is pending or running (the
 * claim's NOT EXISTS, webhook-queries.ts). 0012's index on (endpoint_id, order_key, event_id) holds every delivery
 * a user ever had, so the check fetched each earlier row to read its status: a user with 1,000 delivered events made
 * every claim of their next one visit 1,000 rows, and the cost grew with history as 0015's did for the endpoint.
 * The same index made partial, over the unfinished rows only, makes the check visit only the user's rows still out
 * (as few as the backlog, whatever the history); 0012's full index had no other reader, so it goes.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const migration0016WebhookOpenOrderIndex: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await sql`create index webhook_deliveries_open_order_idx on webhook_deliveries (endpoint_id, order_key, event_id) where status in ('pending', 'running')`.execute(
      db,
    );
    await db.schema.dropIndex('webhook_deliveries_order_idx').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.createIndex('webhook_deliveries_order_idx').on('webhook_deliveries').columns(['endpoint_id', 'order_key', 'event_id']).execute();
    await db.schema.dropIndex('webhook_deliveries_open_order_idx').execute();
  },
};
