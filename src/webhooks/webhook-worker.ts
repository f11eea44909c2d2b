/**
 * The webhook worker of one instance: routes new events into deliveries, then claims due deliveries and sends
 * them, every `pollMs` (and at once when poked after an event). Any number of instances may run one: the store
 * routes with one router at a time and hands each delivery to one claimer per lease, so an event goes to an
 * endpoint once per attempt cluster-wide; an instance killed mid-request leaves a lease that runs out and another
 * instance sends again (at least once: receivers deduplicate on `webhook-id`).
 *
 * Retries: exponential backoff with jitter (jobs/backoff.ts) from `retryBaseMs` up to an hour between attempts,
 * until `retryWindowMs` (a day by default) has passed since the delivery was queued; then it is marked failed and
 * kept (`weunion events redeliver` queues it again). 410 Gone disables the endpoint: its deliveries wait, none
 * dropped, until `weunion events enable-endpoint` (docs/events.md).
 */
import type { Clock } from '../clock.js';
import { defaultWebhookLeaseMs, WEBHOOK_PER_LANE, type WebhookEndpointConfig } from '../config/webhooks-schema.js';
import { AppError } from '../errors.js';
import { type LiveUserResolver, toPublicEvent } from '../events/index.js';
import { exponentialBackoff } from '../jobs/backoff.js';
import type { ClaimedDelivery, DeliveryOutcome, RouteTarget, WebhookStore } from '../store/port.js';
import { type AttemptOutcome, sendDelivery, type WebhookFetch } from './send-delivery.js';
import { type WebhookSigner, webhookSigner } from './signed-request.js';

/** How one attempt ended: `retry` will be tried again, `failed` gave up (its retry window is over), `gone` = 410. */
export type WebhookAttemptResult = 'delivered' | 'retry' | 'failed' | 'gone';

/** Told of every attempt (the metrics); must not throw or block. */
export type WebhookAttemptObserver = (attempt: { endpointId: string; union: string; result: WebhookAttemptResult }) => void;

export interface WebhookWorkerOptions {
  store: WebhookStore;
  endpoints: readonly WebhookEndpointConfig[];
  clock: Clock;
  liveUserId: LiveUserResolver;
  fetch?: WebhookFetch;
  timeoutMs: number;
  /** The claim lease (`webhooks.leaseMs`), greater than `timeoutMs`; default `defaultWebhookLeaseMs(timeoutMs)`. */
  leaseMs?: number;
  retryWindowMs: number;
  retryBaseMs: number;
  pollMs: number;
  concurrency: number;
  random?: () => number;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  observe?: WebhookAttemptObserver;
}

export interface WebhookWorker {
  start(): void;
  /** Stops polling and waits for the attempts in flight. */
  stop(): Promise<void>;
  /** Routes and sends everything due now (in rounds of `concurrency`); resolves with how many attempts were made. */
  runDue(): Promise<number>;
  poke(): void;
}

const MAX_BACKOFF_MS = 3_600_000;

export function createWebhookWorker(o: WebhookWorkerOptions): WebhookWorker {
  const fetch = o.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const backoff = exponentialBackoff({ baseMs: o.retryBaseMs, maxMs: Math.max(o.retryBaseMs, MAX_BACKOFF_MS), ...(o.random ? { random: o.random } : {}) });
  const targets: RouteTarget[] = o.endpoints.map((e) => ({ endpointId: e.id, union: e.union, types: e.events }));
  /** Each endpoint with its signer (the secret decoded once). */
  const byId = new Map<string, { endpoint: WebhookEndpointConfig; sign: WebhookSigner }>(
    o.endpoints.map((e) => [e.id, { endpoint: e, sign: webhookSigner(e.secret) }]),
  );
  const leaseMs = o.leaseMs ?? defaultWebhookLeaseMs(o.timeoutMs);
  if (!Number.isInteger(leaseMs) || leaseMs <= o.timeoutMs) {
    throw new AppError('ERR_CONFIG_INVALID', { message: `webhooks.leaseMs (${leaseMs} ms) must be an integer above timeoutMs (${o.timeoutMs} ms)` });
  }
  // A claim takes several deliveries per lane (fewer claims and endpoint reads per delivery), as many as can be sent
  // one after another, each within its timeout, inside the lease (8 with the default lease; 1 when the lease barely
  // exceeds the timeout), so no second instance sends while the first still waits.
  const perLane = Math.min(WEBHOOK_PER_LANE, Math.max(1, Math.ceil(leaseMs / o.timeoutMs) - 1));
  const batch = o.concurrency * perLane;
  let registered: Promise<Set<string>> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = 0;
  let running = false;
  let round: Promise<number> | undefined;
  /** This claim's successful deliveries, not yet recorded (runRound writes them when the claim is done). */
  const delivered: { id: string; outcome: DeliveryOutcome }[] = [];

  /** The endpoints not disabled by their receiver (re-read each round: another instance may have disabled one). */
  async function enabledEndpoints(): Promise<string[]> {
    registered ??= o.store.registerEndpoints([...byId.keys()], o.clock.now()).then(() => new Set(byId.keys()));
    await registered;
    const states = await o.store.registerEndpoints([], o.clock.now());
    const disabled = new Set(states.filter((s) => s.disabledAt !== null).map((s) => s.endpointId));
    return [...byId.keys()].filter((id) => !disabled.has(id));
  }

  async function attempt(d: ClaimedDelivery): Promise<AttemptOutcome['kind'] | undefined> {
    const target = byId.get(d.endpointId);
    if (!target) return undefined;
    const { endpoint, sign } = target;
    const event = await toPublicEvent(d.event, o.liveUserId);
    const now = o.clock.now();
    const outcome = await sendDelivery(fetch, endpoint.url, sign(event, now), o.timeoutMs);
    const done = o.clock.now();
    const observe = (result: WebhookAttemptResult) => o.observe?.({ endpointId: endpoint.id, union: endpoint.union, result });
    if (outcome.kind === 'delivered') {
      // Recorded with the rest of its claim (runRound): until then it is still `running` under this claim's lease, so
      // no one sends it again, and the user's next event waits for it as it would for any running delivery.
      delivered.push({ id: d.id, outcome: { now: done, attempt: d.attempts, delivered: true, status: outcome.status, error: null, retryAt: done } });
      observe('delivered');
      return outcome.kind;
    }
    if (outcome.kind === 'gone') {
      await o.store.disableEndpoint(d.endpointId, done, 'the receiver answered 410 Gone');
      o.logger?.warn({ endpoint: d.endpointId, event: event.id }, 'webhook endpoint disabled: its receiver answered 410 Gone');
      // Back to pending, due at once: it goes out when the endpoint is enabled again.
      await o.store.finishDelivery(d.id, {
        now: done,
        attempt: d.attempts,
        delivered: false,
        status: 410,
        error: 'endpoint disabled (410 Gone)',
        retryAt: done,
      });
      observe('gone');
      return outcome.kind;
    }
    const retryAt = done + backoff(Math.max(1, d.attempts));
    const giveUp = retryAt > d.createdAt + o.retryWindowMs;
    await o.store.finishDelivery(d.id, {
      now: done,
      attempt: d.attempts,
      delivered: false,
      status: outcome.status,
      error: outcome.error,
      retryAt: giveUp ? null : retryAt,
    });
    observe(giveUp ? 'failed' : 'retry');
    const log = { endpoint: d.endpointId, event: event.id, attempt: d.attempts, status: outcome.status, error: outcome.error };
    if (giveUp) o.logger?.error(log, 'webhook delivery failed for good: its retry window is over (weunion events redeliver)');
    else o.logger?.warn(log, 'webhook delivery failed; retrying');
    return outcome.kind;
  }

  async function runRound(): Promise<number> {
    let attempts = 0;
    for (;;) {
      const routed = await o.store.routeEvents({ now: o.clock.now(), limit: 500, targets });
      if (routed.events < 500) break;
    }
    for (;;) {
      // Re-read each batch: a 410 (here or on another instance) takes the endpoint out at once.
      const endpointIds = await enabledEndpoints();
      const claimed = await o.store.claimDeliveries({ now: o.clock.now(), limit: batch, leaseMs, endpointIds });
      if (claimed.length === 0) return attempts;
      let next = 0;
      let gone = false;
      const lane = async (): Promise<void> => {
        while (next < claimed.length) {
          const d = claimed[next++]!;
          // After a 410 the rest of this claim for that endpoint goes back to pending, unsent: it waits for the endpoint.
          if (gone && d.endpointId === goneId) {
            const now = o.clock.now();
            await o.store.finishDelivery(d.id, {
              now,
              attempt: d.attempts,
              delivered: false,
              status: null,
              error: 'endpoint disabled (410 Gone)',
              retryAt: now,
            });
            continue;
          }
          // A claim this instance sat on past its lease (a stall, a paused process) may be another's now: sending
          // the rest of it would repeat what that one sends and could overtake a user's later event. Only a request
          // that can end within the lease goes out; the rest waits for whoever claims it next.
          if (d.lockedUntil !== null && o.clock.now() + o.timeoutMs >= d.lockedUntil) continue;
          const outcome = await attempt(d).catch((e) => (o.logger?.error({ err: e, endpoint: d.endpointId }, 'webhook attempt failed'), undefined));
          if (outcome === 'gone') {
            gone = true;
            goneId = d.endpointId;
          }
          attempts++;
        }
      };
      let goneId = '';
      try {
        await Promise.all(Array.from({ length: Math.min(o.concurrency, claimed.length) }, lane));
      } finally {
        // One commit for the claim's successes. Lost only with the process: then the lease runs out and they are
        // sent again (at least once), as a delivery in flight would be.
        await o.store.finishDeliveries(delivered.splice(0));
      }
    }
  }

  function runDue(): Promise<number> {
    // One round at a time per instance; a poke during a round runs one more after it.
    const next = (round ?? Promise.resolve(0)).catch(() => 0).then(runRound);
    round = next;
    return next;
  }

  function schedule(ms: number): void {
    if (!running) return;
    const at = Date.now() + ms;
    if (timer) {
      if (timerAt <= at) return; // an earlier round is already planned (a poke is never lost to a later poll)
      clearTimeout(timer);
    }
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      runDue()
        .catch((e) => o.logger?.error({ err: e }, 'webhook round failed'))
        .finally(() => schedule(o.pollMs));
    }, ms);
    timer.unref();
  }

  return Object.freeze({
    start() {
      if (running || targets.length === 0) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await round?.catch(() => undefined);
    },
    runDue,
    poke() {
      if (running) schedule(0);
    },
  });
}
