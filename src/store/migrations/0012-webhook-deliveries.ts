/**
 * 0012-webhook-deliveries — the webhooks' side of the outbox (issue 13, docs/events.md).
 *
 * Why: the `events` table is the outbox, but "send every event to every endpoint, at least once, in order per user,
 * across instances that may die mid-request" needs state of its own:
 * - `events.routed_at`: when the router (src/webhooks/event-router.ts) turned the event into deliveries. A cursor
 *   ("routed up to id N") would skip an event whose transaction got its id first but committed last (PostgreSQL
 *   hands out identity values before commit); a per-row mark cannot. Existing events are marked routed here, so
 *   configuring a first endpoint does not replay the whole history (redelivery of a range is explicit, from the CLI).
 *   The partial index keeps finding the unrouted ones cheap however large the table grows.
 * - `webhook_endpoints`: when weunion first saw an endpoint id in the config (it gets events from then on) and
 *   whether a receiver disabled it by answering 410 Gone.
 * - `webhook_deliveries`: one row per event and endpoint (unique: a retried router inserts nothing twice), claimed
 *   with a lease like the jobs are, so one instance sends it at a time and a killed one's claim runs out.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { dialectName } from '../dialects/dialect-name.js';

export const migration0012WebhookDeliveries: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const dialect = dialectName(db);
    await db.schema.alterTable('events').addColumn('routed_at', 'bigint').execute();
    await sql`update events set routed_at = created_at`.execute(db);
    await db.schema.createIndex('events_unrouted_idx').on('events').column('id').where(sql.ref('routed_at'), 'is', null).execute();

    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .addColumn('disabled_reason', 'text')
      .addPrimaryKeyConstraint('webhook_endpoints_pk', ['endpoint_id'])
      .execute();

    let deliveries = db.schema.createTable('webhook_deliveries');
    deliveries =
      dialect === 'sqlite'
        ? deliveries.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        : deliveries.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
    await deliveries
      .addColumn('event_id', 'bigint', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      // Deliveries of one order key (the event's user) go out one at a time, oldest event first.
      .addColumn('order_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .addUniqueConstraint('webhook_deliveries_event_endpoint_uq', ['endpoint_id', 'event_id'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_claim_idx').on('webhook_deliveries').columns(['status', 'next_at']).execute();
    await db.schema.createIndex('webhook_deliveries_order_idx').on('webhook_deliveries').columns(['endpoint_id', 'order_key', 'event_id']).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('webhook_deliveries').execute();
    await db.schema.dropTable('webhook_endpoints').execute();
    await db.schema.dropIndex('events_unrouted_idx').execute();
    await db.schema.alterTable('events').dropColumn('routed_at').execute();
  },
};
