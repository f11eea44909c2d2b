/**
 * A worker that sat on its claim past the lease (a stalled request, a paused process) must not send the rest of
 * it: by then another instance has claimed and sent those deliveries, and sending them again repeats them and can
 * overtake a user's later event. Two workers on one SQLite store and one clock; A's first request hangs at a gate
 * while the clock moves past the lease and B sends everything; when A's request is let go, A sends nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { defaultWebhookLeaseMs } from '../../src/config/webhooks-schema.js';
import { createIdentityService } from '../../src/identity/index.js';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { createWebhookWorker } from '../../src/webhooks/index.js';
import { type Receiver, SECRET, startReceiver } from './webhook-receiver.js';

const TIMEOUT_MS = 1000;
const LEASE_S = defaultWebhookLeaseMs(TIMEOUT_MS) / 1000; // the worker's lease when webhooks.leaseMs is not set

let opened: OpenedStore | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await opened?.close();
  await receiver?.close();
});

describe('a claim held past its lease', () => {
  it('is not sent on by the stalled worker once another has taken it over', async () => {
    opened = await openStore('sqlite::memory:');
    const { error } = await opened.migrate();
    if (error) throw error;
    receiver = await startReceiver();
    const clock = new ManualClock();
    await opened.store.webhooks.registerEndpoints(['crm'], clock.now() - 1000);
    const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock });
    for (let i = 0; i < 5; i++) await identity.resolve({ unionKey: 'acme', appid: 'wxtest0000000mp001', openid: `o-${i}` });

    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let stalled!: () => void;
    const firstSent = new Promise<void>((r) => (stalled = r));
    const aSent: string[] = [];
    const worker = (name: 'A' | 'B') =>
      createWebhookWorker({
        store: opened!.store.webhooks,
        endpoints: [{ id: 'crm', union: 'acme', url: receiver!.url, secret: SECRET, events: [] }],
        clock,
        liveUserId: async (id) => id,
        timeoutMs: TIMEOUT_MS,
        retryWindowMs: 86_400_000,
        retryBaseMs: 50,
        pollMs: 1000,
        concurrency: 1,
        fetch: async (url, init) => {
          if (name === 'A') {
            aSent.push(String((init.headers as Record<string, string>)['webhook-id']));
            if (aSent.length === 1) {
              stalled();
              await gate;
            }
          }
          return fetch(url, init);
        },
      });
    const a = worker('A').runDue();
    await firstSent; // A holds all five, its first request stuck
    clock.advance(LEASE_S + 1);
    expect(await worker('B').runDue()).toBe(5);
    release();
    await a;

    expect(aSent).toHaveLength(1); // the one already on its way; none of the rest
    const all = (await opened.store.identity.listEvents({ limit: 10 })).map((e) => `evt_${e.id}`);
    expect(receiver.accepted.map((e) => e.id).sort()).toEqual([...all, aSent[0]!].sort());
    expect(receiver.accepted).toHaveLength(6); // five from B, plus A's late one
    expect(await opened.store.webhooks.deliveryCounts()).toMatchObject({ delivered: 5 });
  });
});
