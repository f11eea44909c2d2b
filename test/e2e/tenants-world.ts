/**
 * A deployment of two tenants for the e2e tests: the demo union `acme` (two mini programs, a website, a mobile app)
 * with a second official account, and a union `beta` (its own Open Platform account) with one mini program; an
 * admin key per union plus an unlimited one, a webhook endpoint per union (each to its own loopback receiver), and
 * metrics on. Over a fresh SQLite file or a fresh PostgreSQL schema.
 */
import { createHash } from 'node:crypto';
import { DEMO_APPS, DEMO_UNION } from '../../src/config/demo-config.js';
import type { AppConfig, Config } from '../../src/config/schema.js';
import { createTestSchema, postgresAvailable } from '../helpers/postgres.js';
import { type Stack, startStack } from '../helpers/stack.js';
import { type Receiver, SECRET, startReceiver } from '../webhooks/webhook-receiver.js';

export const ACME = DEMO_UNION.id;
export const BETA = 'beta';
export const BETA_MP = 'wxbeta000000000mp1';
/** The second official account of `acme`. */
export const OA2 = 'wxdemo00000000oa02';
export const KEYS = { all: 'wua_tenants_all_0123456789abcdef', acme: 'wua_tenants_acme_0123456789abcd', beta: 'wua_tenants_beta_0123456789abcd' } as const;
export const METRICS_TOKEN = 'tenants-metrics-token-0123456789';

const sha = (k: string) => createHash('sha256').update(k).digest('hex');

/** `[name, storage factory]` per backend: SQLite always, PostgreSQL when reachable (postgresAvailable throws on CI). */
export async function backends(): Promise<Array<[string, () => Promise<{ storage?: string; drop(): Promise<void> }>]>> {
  const list: Array<[string, () => Promise<{ storage?: string; drop(): Promise<void> }>]> = [['sqlite', async () => ({ drop: async () => undefined })]];
  if (await postgresAvailable()) {
    list.push([
      'postgres',
      async () => {
        const schema = await createTestSchema();
        return { storage: schema.url, drop: () => schema.drop() };
      },
    ]);
  }
  return list;
}

export interface World {
  stack: Stack;
  receivers: { acme: Receiver; beta: Receiver };
  close(): Promise<void>;
}

export async function startWorld(
  backend: () => Promise<{ storage?: string; drop(): Promise<void> }>,
  unionidRule: 'current' | 'legacy',
  webhooks: Partial<Config['webhooks']> = {},
): Promise<World> {
  const b = await backend();
  const receivers = { acme: await startReceiver(), beta: await startReceiver() };
  const stack = await startStack({
    unionidRule,
    ...(b.storage ? { storage: b.storage } : {}),
    configure: (c) => tenants(c, receivers, webhooks),
    // Pushes stamped with the shared virtual clock: a test moving it gives a later push a later CreateTime.
    emulatorOptions: { pushTimes: 'virtual' },
  });
  return {
    stack,
    receivers,
    async close() {
      await stack.close();
      await receivers.acme.close();
      await receivers.beta.close();
      await b.drop();
    },
  };
}

function tenants(c: Config, receivers: World['receivers'], webhooks: Partial<Config['webhooks']>): Config {
  const demoOa = c.apps.find((a) => a.appid === DEMO_APPS.oa)!;
  const oa2: AppConfig = { ...demoOa, appid: OA2, secret: 'sandbox-secret-oa2', name: 'ACME second official account', originalId: 'gh_acme0000oa02' };
  const betaMp: AppConfig = { appid: BETA_MP, secret: 'secret-beta-mp', kind: 'miniprogram', union: BETA, redirectAllowList: [], trustDecryptedUnionid: false };
  return {
    ...c,
    unions: [...c.unions, { id: BETA, openAppid: 'wxopen0000000beta1' }],
    apps: [...c.apps, oa2, betaMp],
    admin: {
      keys: [
        { name: 'ops', sha256: sha(KEYS.all), scopes: ['read', 'write'] },
        { name: 'acme-desk', sha256: sha(KEYS.acme), scopes: ['read', 'write'], union: ACME },
        { name: 'beta-desk', sha256: sha(KEYS.beta), scopes: ['read', 'write'], union: BETA },
      ],
    },
    webhooks: {
      ...c.webhooks,
      endpoints: [
        { id: 'crm-acme', union: ACME, url: receivers.acme.url, secret: SECRET, events: [] },
        { id: 'crm-beta', union: BETA, url: receivers.beta.url, secret: SECRET, events: [] },
      ],
      allowPrivateAddresses: true,
      retryBaseMs: 50,
      timeoutMs: 2000,
      ...webhooks,
    },
    metrics: { ...c.metrics, enabled: true, token: METRICS_TOKEN },
  };
}

/** Runs the webhook worker until both receivers are quiet for a few rounds (the virtual clock past each backoff). */
export async function drainWebhooks(w: World, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await w.stack.deps.webhooks.runDue();
    w.stack.clock.advance(1);
  }
}
