/**
 * 0016-webhook-drop-status-index — 0012's (status, next_at) index of the deliveries goes.
 *
 * Why: it was the claim's index until 0015 gave the claim one of its own (the unfinished deliveries, per endpoint,
 * in claim order), and since then no query of the service reads it: the metrics' oldest unfinished delivery reads
 * 0015's index, the delivery counts and listings (CLI and tests) are rare. Yet every delivery rewrote it three times
 * (queued, claimed, finished), each a change of `status`. bench/webhook-phases.ts: the claims and their successes
 * of 2,000 deliveries took 3–5 µs per delivery less without it (claims 41–45 → 37–38 ms, successes 17–19 → 14–15 ms).
 */
import type { Kysely, Migration } from 'kysely';

export const migration0016WebhookDropStatusIndex: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('webhook_deliveries_claim_idx').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.createIndex('webhook_deliveries_claim_idx').on('webhook_deliveries').columns(['status', 'next_at']).execute();
  },
};
