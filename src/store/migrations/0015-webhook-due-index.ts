/**
 * 0015-webhook-due-index — the deliveries still to send, indexed on their own.
 *
 * Why: the claim (webhook-queries.ts) looks for an endpoint's due deliveries, oldest first. With only 0012's
 * indexes SQLite walked every delivery the endpoint ever had (the unique (endpoint_id, event_id) index), delivered
 * ones included, and sorted the matches for each claim: a claim cost grew with the table's whole history (2,000
 * routed deliveries made each 32-row claim visit 2,000 rows, BENCHMARKS.md "Webhook deliveries"). This partial index
 * holds only the pending and running rows, in claim order, so a claim reads what it takes and the rows it skips
 * because an older delivery of the same user is still out.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const migration0015WebhookDueIndex: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await sql`create index webhook_deliveries_due_idx on webhook_deliveries (endpoint_id, next_at, id) where status in ('pending', 'running')`.execute(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('webhook_deliveries_due_idx').execute();
  },
};
