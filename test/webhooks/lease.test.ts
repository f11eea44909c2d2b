/**
 * `webhooks.leaseMs`: the config refuses a lease not above the delivery timeout, and the lease configured is the one
 * the worker claims with (a claimed delivery's lockedUntil = now + leaseMs, on a clock that does not move), through
 * the worker and through compose(); unset, it is timeoutMs × 8 + 30 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { compose, type Composed } from '../../src/compose/compose.js';
import { demoConfig } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createIdentityService } from '../../src/identity/index.js';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import type { DeliveryRow, WebhookStore } from '../../src/store/port.js';
import { createWebhookWorker } from '../../src/webhooks/index.js';
import { thrown } from '../helpers/expect-error.js';
import { SECRET } from './webhook-receiver.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const frozen: Clock = { now: () => T0 };

const config = (webhooks: Record<string, unknown>) => ({
  unions: [{ id: 'acme' }],
  apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram', union: 'acme' }],
  webhooks,
});

describe('webhooks.leaseMs config', () => {
  it('is optional, and accepted when above timeoutMs', () => {
    expect(parseConfig(config({})).webhooks.leaseMs).toBeUndefined();
    expect(parseConfig(config({ timeoutMs: 2000, leaseMs: 2001 })).webhooks.leaseMs).toBe(2001);
  });

  it.each([
    [{ leaseMs: 10_000 }, /webhooks\.leaseMs: the claim lease \(10000 ms\) must exceed the delivery timeout \(timeoutMs 10000 ms\)/],
    [{ timeoutMs: 5000, leaseMs: 4000 }, /webhooks\.leaseMs: the claim lease \(4000 ms\) must exceed/],
    [{ leaseMs: 0 }, /webhooks\.leaseMs/],
    [{ leaseMs: -5 }, /webhooks\.leaseMs/],
    [{ leaseMs: 60_000.5 }, /webhooks\.leaseMs/],
    [{ leaseMs: '60000' }, /webhooks\.leaseMs/],
  ])('refuses %j with ERR_CONFIG_INVALID naming the field', (webhooks, message) => {
    const e = thrown(() => parseConfig(config(webhooks)));
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toMatch(message);
  });
});

/** A receiver that, before answering 204, records the deliveries the store holds as running (the claim in flight). */
async function startPeekingReceiver(peek: () => Promise<DeliveryRow[]>): Promise<{ url: string; seen: DeliveryRow[][]; close(): Promise<void> }> {
  const seen: DeliveryRow[][] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void peek().then(
        (rows) => {
          seen.push(rows);
          res.writeHead(204).end();
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

const running = (store: WebhookStore) => () => store.listDeliveries({ status: 'running', limit: 100 });

describe('the lease the worker claims with', () => {
  let opened: OpenedStore | undefined;
  let composed: Composed | undefined;
  let receiver: Awaited<ReturnType<typeof startPeekingReceiver>> | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await opened?.close();
    await composed?.close();
    await receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    opened = composed = receiver = dataDir = undefined;
  });

  async function claimedLocks(leaseMs: number | undefined, events: number): Promise<{ locks: number[]; sent: number }> {
    opened = await openStore('sqlite::memory:');
    const { error } = await opened.migrate();
    if (error) throw error;
    receiver = await startPeekingReceiver(running(opened.store.webhooks));
    await opened.store.webhooks.registerEndpoints(['crm'], T0 - 1000);
    const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock: frozen });
    for (let i = 0; i < events; i++) await identity.resolve({ unionKey: 'acme', appid: 'wxtest0000000mp001', openid: `o-${i}` });
    const worker = createWebhookWorker({
      store: opened.store.webhooks,
      endpoints: [{ id: 'crm', union: 'acme', url: receiver.url, secret: SECRET, events: [] }],
      clock: frozen,
      liveUserId: async (id) => id,
      timeoutMs: 1000,
      ...(leaseMs !== undefined ? { leaseMs } : {}),
      retryWindowMs: 86_400_000,
      retryBaseMs: 50,
      pollMs: 1000,
      concurrency: 1,
    });
    const sent = await worker.runDue();
    return { locks: receiver.seen.flat().map((d) => d.lockedUntil!), sent };
  }

  it('is the configured leaseMs: every claimed delivery is locked until now + leaseMs', async () => {
    const { locks, sent } = await claimedLocks(4321, 3);
    expect(sent).toBe(3);
    expect(locks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(locks)).toEqual(new Set([T0 + 4321]));
  });

  it('is timeoutMs × 8 + 30 s when not configured', async () => {
    const { locks, sent } = await claimedLocks(undefined, 2);
    expect(sent).toBe(2);
    expect(new Set(locks)).toEqual(new Set([T0 + 1000 * 8 + 30_000]));
  });

  it('a lease just above the timeout still sends everything, one delivery per claim (the stale-claim rule holds)', async () => {
    const { locks, sent } = await claimedLocks(1001, 3);
    expect(sent).toBe(3);
    // Each request saw only its own delivery running: a claim of one, since a second could not end within the lease.
    expect(receiver!.seen.map((rows) => rows.length)).toEqual([1, 1, 1]);
    expect(new Set(locks)).toEqual(new Set([T0 + 1001]));
  });

  it('the worker refuses a lease not above the timeout with ERR_CONFIG_INVALID', () => {
    const make = (leaseMs: number) => () =>
      createWebhookWorker({
        store: {} as WebhookStore,
        endpoints: [],
        clock: frozen,
        liveUserId: async (id) => id,
        timeoutMs: 1000,
        leaseMs,
        retryWindowMs: 86_400_000,
        retryBaseMs: 50,
        pollMs: 1000,
        concurrency: 1,
      });
    expect(thrown(make(1000)).code).toBe('ERR_CONFIG_INVALID');
    expect(thrown(make(999)).code).toBe('ERR_CONFIG_INVALID');
  });

  it('compose() passes webhooks.leaseMs from the config to the worker it builds', async () => {
    let peek: () => Promise<DeliveryRow[]> = async () => [];
    receiver = await startPeekingReceiver(() => peek());
    dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-lease-'));
    const base = demoConfig({ port: 0, dataDir });
    const cfg = parseConfig({
      ...base,
      storage: 'sqlite::memory:',
      wechat: {},
      webhooks: {
        endpoints: [{ id: 'crm', union: base.unions![0]!.id, url: receiver.url, secret: SECRET, events: [] }],
        allowPrivateAddresses: true,
        timeoutMs: 2000,
        leaseMs: 7777,
      },
    });
    composed = await compose(cfg, { clock: frozen, logger: false });
    const { store, identity } = composed.deps;
    peek = running(store.webhooks);
    const appid = cfg.apps.find((a) => a.union === cfg.webhooks.endpoints[0]!.union)!.appid;
    await identity.resolve({ unionKey: cfg.webhooks.endpoints[0]!.union, appid, openid: 'o-compose' });
    expect(await composed.deps.webhooks.runDue()).toBeGreaterThanOrEqual(1);
    const locks = receiver.seen.flat().map((d) => d.lockedUntil);
    expect(locks.length).toBeGreaterThanOrEqual(1);
    expect(new Set(locks)).toEqual(new Set([T0 + 7777]));
  });
});
