/**
 * Webhooks end to end (issue 13): the demo story (a split mini program user, a follow, the merge) through the real
 * HTTP API against the emulator, the worker sending to a receiver on loopback that verifies each request with the
 * `standardwebhooks` library. On SQLite and on PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_UNION } from '../../src/config/demo-config.js';
import type { Config } from '../../src/config/schema.js';
import { login } from '../helpers/login-flows.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { type Receiver, SECRET, startReceiver } from './webhook-receiver.js';

const backends: Array<[string, () => Promise<{ storage?: string; drop(): Promise<void> }>]> = [['sqlite', async () => ({ drop: async () => undefined })]];
if (await postgresAvailable()) {
  backends.push([
    'postgres',
    async () => {
      const schema: TestSchema = await createTestSchema();
      return { storage: schema.url, drop: () => schema.drop() };
    },
  ]);
}

/** Events of one user reached the receiver oldest first. */
function expectOrderPerUser(r: Receiver): void {
  const byUser = new Map<string, number[]>();
  for (const e of r.accepted) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), Number(e.id.slice(4))]);
  for (const order of byUser.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
}

function withWebhook(url: string, extra: Partial<Config['webhooks']> = {}) {
  return (c: Config): Config => ({
    ...c,
    webhooks: {
      ...c.webhooks,
      endpoints: [{ id: 'crm', union: DEMO_UNION.id, url, secret: SECRET, events: [] }],
      allowPrivateAddresses: true,
      retryBaseMs: 50,
      timeoutMs: 2000,
      ...extra,
    },
  });
}

describe.each(backends)('webhooks on %s', (_name, backend) => {
  let stack: Stack | undefined;
  let receiver: Receiver | undefined;
  let drop = async (): Promise<void> => undefined;
  afterEach(async () => {
    await stack?.close();
    await receiver?.close();
    await drop();
    stack = undefined;
    receiver = undefined;
  });

  async function start(extra: Partial<Config['webhooks']> = {}) {
    const b = await backend();
    drop = b.drop;
    receiver = await startReceiver();
    stack = await startStack({ unionidRule: 'legacy', ...(b.storage ? { storage: b.storage } : {}), configure: withWebhook(receiver.url, extra) });
    return { stack, receiver };
  }

  /** The demo story: split on the mini program, follow the official account, log in again → merged. */
  async function story(s: Stack): Promise<{ survivor: string; loser: string }> {
    const p = await s.createPerson({ name: 'Han Meimei', declinesUserInfo: true });
    const first = await login(s, s.apps.mp1, p);
    await s.control(`/__emulator/persons/${p}/follow`, { appid: s.apps.oa });
    await s.settle();
    const again = await login(s, s.apps.mp1, p);
    expect(again.body.userId).not.toBe(first.body.userId);
    return { survivor: again.body.userId, loser: first.body.userId };
  }

  /** The ids of every event stored (each routed to the one endpoint: the story stays in the demo union). */
  async function storedEventIds(s: Stack): Promise<string[]> {
    const rows = await s.deps.store.identity.listEvents({ limit: 1000 });
    return rows.map((r) => `evt_${r.id}`);
  }

  /** Runs the worker until `done()` or `rounds` rounds, moving the virtual clock past each backoff. */
  async function drain(s: Stack, done: () => boolean, rounds = 40): Promise<void> {
    for (let i = 0; i < rounds && !done(); i++) {
      await s.deps.webhooks.runDue();
      if (!done()) s.clock.advance(1);
    }
  }

  it('delivers every event of the story, signed, once each, in order per user, with the live user id', async () => {
    const { stack: s, receiver: r } = await start();
    const { survivor, loser } = await story(s);
    await drain(s, () => false, 3);
    const ids = await storedEventIds(s);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(r.forged).toBe(0);
    expect(r.accepted.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(new Set(r.accepted.map((e) => e.id)).size).toBe(r.accepted.length);
    const types = r.accepted.map((e) => e.type);
    expect(types).toContain('user.created');
    expect(types).toContain('user.merged');
    const merged = r.accepted.find((e) => e.type === 'user.merged')!;
    expect(merged.data).toMatchObject({ survivorUserId: survivor, mergedUserId: loser });
    // Every event, whoever it was about, names the live user now.
    for (const e of r.accepted) expect(e.liveUserId).toBe(survivor);
    for (const e of r.accepted) expect(e.union).toBe(DEMO_UNION.id);
    const byUser = new Map<string, number[]>();
    for (const e of r.accepted) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), Number(e.id.slice(4))]);
    for (const order of byUser.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
    const counts = await s.deps.store.webhooks.deliveryCounts();
    expect(counts).toMatchObject({ pending: 0, running: 0, failed: 0, delivered: ids.length });
  });

  it('a receiver that fails 3 times then recovers gets each event exactly once more', async () => {
    const { stack: s, receiver: r } = await start();
    r.failNext(3);
    await story(s);
    const ids = await storedEventIds(s);
    await drain(s, () => r.accepted.length >= ids.length);
    await drain(s, () => false, 3); // nothing more comes
    expect(r.accepted.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(r.attempts.length).toBe(ids.length + 3);
    const rows = await s.deps.store.webhooks.listDeliveries({ limit: 100 });
    expect(rows.every((d) => d.status === 'delivered')).toBe(true);
    expect(rows.reduce((n, d) => n + d.attempts, 0)).toBe(ids.length + 3);
  });

  it('a receiver down for the whole run leaves every delivery pending; they drain, in order, when it is back', async () => {
    const { stack: s, receiver: r } = await start();
    await r.down();
    await story(s);
    await drain(s, () => false, 5);
    const ids = await storedEventIds(s);
    const rows = await s.deps.store.webhooks.listDeliveries({ limit: 100 });
    expect(rows.map((d) => d.status).every((st) => st === 'pending')).toBe(true);
    expect(rows.some((d) => d.lastError?.startsWith('connection failed'))).toBe(true);
    expect(r.accepted).toEqual([]);
    await r.up();
    s.clock.advance(60); // past any backoff so far (and within the receiver's 5-minute timestamp tolerance)
    await drain(s, () => r.accepted.length >= ids.length);
    expect(r.accepted.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(r.forged).toBe(0);
    expectOrderPerUser(r);
  });

  it('a receiver slower than the timeout is cut off and retried; one that answers a huge body is done without reading it', async () => {
    const { stack: s, receiver: r } = await start({ timeoutMs: 200 });
    r.slowNext(1, 1500);
    await story(s);
    const ids = await storedEventIds(s);
    await drain(s, () => r.accepted.length >= ids.length);
    const rows = await s.deps.store.webhooks.listDeliveries({ limit: 100 });
    expect(rows.some((d) => d.attempts === 2)).toBe(true);
    expect(new Set(r.accepted.map((e) => e.id)).size).toBe(ids.length);

    r.hugeBodies(64 * 1024 * 1024);
    const p = await s.createPerson({ name: 'Talkative' });
    await login(s, s.apps.mp1, p);
    const before = r.accepted.length;
    await drain(s, () => r.accepted.length > before, 5);
    const counts = await s.deps.store.webhooks.deliveryCounts();
    expect(counts).toMatchObject({ pending: 0, running: 0, failed: 0 });
  });

  it('410 Gone disables the endpoint: nothing is dropped, and it drains once enabled again', async () => {
    const { stack: s, receiver: r } = await start({ concurrency: 1 });
    r.failNext(1, 410);
    await story(s);
    await drain(s, () => false, 3);
    const ids = await storedEventIds(s);
    expect(r.attempts, JSON.stringify(await s.deps.store.webhooks.listDeliveries({ limit: 100 }))).toHaveLength(1);
    const [state] = await s.deps.store.webhooks.registerEndpoints([], s.clock.now());
    expect(state).toMatchObject({ endpointId: 'crm', disabledReason: expect.stringContaining('410') });
    expect(await s.deps.store.webhooks.enableEndpoint('crm')).toBe(true);
    await drain(s, () => r.accepted.length >= ids.length);
    expect(r.accepted.map((e) => e.id).sort()).toEqual([...ids].sort());
  });

  it('gives up after the retry window, keeps the delivery as failed, and redelivery queues it again', async () => {
    const { stack: s, receiver: r } = await start({ retryWindowMs: 1000 });
    r.failNext(1000);
    await story(s);
    await drain(s, () => false, 10);
    s.clock.advance(5);
    await drain(s, () => false, 3);
    const rows = await s.deps.store.webhooks.listDeliveries({ limit: 100 });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((d) => d.status === 'failed' && d.lastStatus === 503)).toBe(true);
    r.failNext(0);
    const first = rows[0]!;
    const n = await s.deps.store.webhooks.redeliver({
      now: s.clock.now(),
      eventId: first.eventId,
      targets: [{ endpointId: 'crm', union: DEMO_UNION.id, types: [] }],
    });
    expect(n).toBe(1);
    await drain(s, () => r.accepted.length >= 1);
    expect(r.accepted.map((e) => e.id)).toEqual([`evt_${first.eventId}`]);
    const after = await s.deps.store.webhooks.deliveryCounts();
    expect(after).toMatchObject({ pending: 0, running: 0, delivered: 1, failed: rows.length - 1 });
  });
});
