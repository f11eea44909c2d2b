/**
 * The WebhookStore's figures for the metrics, on every implementation (SQLite, PostgreSQL): per endpoint, when its
 * oldest unfinished (pending or running) delivery was queued; an endpoint whose deliveries all finished (delivered
 * or failed) is absent. `open` must return an empty, migrated store; the suite closes it after each test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouteTarget, WeunionStore } from '../../src/store/port.js';

// Beyond 2^32: bigint columns round-trip as exact numbers.
const T0 = 1_800_000_000_123;
const TARGETS: RouteTarget[] = [
  { endpointId: 'a', union: 'acme', types: [] },
  { endpointId: 'b', union: 'acme', types: [] },
];

export function webhookStoreContract(open: () => Promise<WeunionStore>): void {
  describe('WebhookStore oldestUnfinishedDeliveries', () => {
    let store: WeunionStore;
    beforeEach(async () => {
      store = await open();
      await store.webhooks.registerEndpoints(['a', 'b'], T0 - 1000);
    });
    afterEach(async () => store.close());

    /** Stores one event per user and routes it at `now` (one delivery per endpoint). */
    async function routed(userIds: string[], now: number): Promise<void> {
      await store.identity.transaction(async (tx) => {
        for (const id of userIds) {
          await tx.insertUser({ id, createdAt: T0, mergedInto: null, mergedAt: null });
          await tx.appendEvent({ type: 'user.created', userId: id, data: { unionKey: 'acme' }, createdAt: T0 });
        }
      });
      await store.webhooks.routeEvents({ now, limit: 100, targets: TARGETS });
    }

    it('is empty with no deliveries, then the oldest queued time of each endpoint with one pending or running', async () => {
      expect(await store.webhooks.oldestUnfinishedDeliveries()).toEqual(new Map());
      await routed(['u_1'], T0);
      await routed(['u_2'], T0 + 5000);
      expect(await store.webhooks.oldestUnfinishedDeliveries()).toEqual(
        new Map([
          ['a', T0],
          ['b', T0],
        ]),
      );
      // Endpoint a: the oldest delivered, the next one running (claimed) — still unfinished, queued at T0 + 5000.
      const claimed = await store.webhooks.claimDeliveries({ now: T0 + 6000, limit: 10, leaseMs: 60_000, endpointIds: ['a'] });
      const first = claimed.find((d) => d.eventId === Math.min(...claimed.map((c) => c.eventId)))!;
      await store.webhooks.finishDelivery(first.id, { now: T0 + 6000, attempt: 1, delivered: true, status: 204, error: null, retryAt: T0 + 6000 });
      // Endpoint b: both given up (failed): finished.
      for (const d of await store.webhooks.claimDeliveries({ now: T0 + 6000, limit: 10, leaseMs: 60_000, endpointIds: ['b'] })) {
        await store.webhooks.finishDelivery(d.id, { now: T0 + 6000, attempt: 1, delivered: false, status: 500, error: 'down', retryAt: null });
      }
      expect(await store.webhooks.oldestUnfinishedDeliveries()).toEqual(new Map([['a', T0 + 5000]]));
    });

    it("finishDeliveries records a claim's outcomes together, each fenced by its attempt", async () => {
      await routed(['u_1', 'u_2', 'u_3'], T0);
      const first = await store.webhooks.claimDeliveries({ now: T0 + 1000, limit: 10, leaseMs: 1000, endpointIds: ['a'] });
      expect(first).toHaveLength(3);
      // The lease runs out and one delivery is claimed again (attempt 2): the first claim's outcome for it is stale.
      const again = await store.webhooks.claimDeliveries({ now: T0 + 2500, limit: 1, leaseMs: 60_000, endpointIds: ['a'] });
      expect(again).toHaveLength(1);
      const reclaimed = again[0]!;
      expect(reclaimed.attempts).toBe(2);
      expect(first.map((d) => d.id)).toContain(reclaimed.id);
      const outcome = (attempt: number) => ({ now: T0 + 3000, attempt, delivered: true, status: 204, error: null, retryAt: T0 + 3000 });
      const applied = await store.webhooks.finishDeliveries([
        ...first.filter((d) => d.id !== reclaimed.id).map((d) => ({ id: d.id, outcome: outcome(1) })),
        { id: reclaimed.id, outcome: outcome(1) }, // stale: claimed again since
        { id: 'not-a-row-id', outcome: outcome(1) },
      ]);
      expect(applied).toBe(2);
      const delivered = await store.webhooks.listDeliveries({ endpointId: 'a', status: 'delivered', limit: 10 });
      expect(delivered.map((d) => d.id).sort()).toEqual(
        first
          .filter((d) => d.id !== reclaimed.id)
          .map((d) => d.id)
          .sort(),
      );
      for (const d of delivered) {
        expect(d).toMatchObject({
          attempts: 1,
          lastStatus: 204,
          lastError: null,
          lockedUntil: null,
          deliveredAt: T0 + 3000,
          updatedAt: T0 + 3000,
          nextAt: T0 + 3000,
        });
      }
      expect((await store.webhooks.listDeliveries({ endpointId: 'a', status: 'running', limit: 10 })).map((d) => d.id)).toEqual([reclaimed.id]);
      expect(await store.webhooks.finishDeliveries([])).toBe(0);
    });

    it('finishDeliveries of successes only writes them in one statement, fenced the same, next_at kept when no retryAt', async () => {
      await routed(['u_1', 'u_2', 'u_3'], T0);
      const claimed = await store.webhooks.claimDeliveries({ now: T0 + 1000, limit: 10, leaseMs: 60_000, endpointIds: ['a'] });
      expect(claimed).toHaveLength(3);
      const [one, two, three] = claimed as [(typeof claimed)[0], (typeof claimed)[0], (typeof claimed)[0]];
      const applied = await store.webhooks.finishDeliveries([
        { id: one.id, outcome: { now: T0 + 2000, attempt: 1, delivered: true, status: 200, error: null, retryAt: T0 + 2000 } },
        { id: two.id, outcome: { now: T0 + 2500, attempt: 1, delivered: true, status: 204, error: null, retryAt: null } },
        { id: three.id, outcome: { now: T0 + 2500, attempt: 2, delivered: true, status: 204, error: null, retryAt: T0 + 2500 } }, // stale attempt
      ]);
      expect(applied).toBe(2);
      const byId = new Map((await store.webhooks.listDeliveries({ endpointId: 'a', limit: 10 })).map((d) => [d.id, d]));
      expect(byId.get(one.id)).toMatchObject({
        status: 'delivered',
        lastStatus: 200,
        lastError: null,
        lockedUntil: null,
        deliveredAt: T0 + 2000,
        updatedAt: T0 + 2000,
        nextAt: T0 + 2000,
      });
      expect(byId.get(two.id)).toMatchObject({ status: 'delivered', lastStatus: 204, deliveredAt: T0 + 2500, updatedAt: T0 + 2500, nextAt: two.nextAt });
      expect(byId.get(three.id)).toMatchObject({ status: 'running', attempts: 1, deliveredAt: null, lastStatus: null });
    });
  });
}
