/**
 * The webhooks part of the storage port (0012, docs/events.md): routing stored events to endpoints, and the
 * deliveries, claimed across instances with a lease as the jobs are. What goes out is rebuilt from the event row
 * at each attempt (its live user may have changed since); the store keeps no request body and no secret.
 */
import type { EventRow } from './identity-store.js';

export type DeliveryStatus = 'pending' | 'running' | 'delivered' | 'failed';

/** An endpoint as the router sees it: which events it takes. */
export interface RouteTarget {
  endpointId: string;
  union: string;
  /** Event types; empty = every type. */
  types: readonly string[];
}

export interface DeliveryRow {
  id: string;
  eventId: number;
  endpointId: string;
  orderKey: string;
  status: DeliveryStatus;
  /** How many times it has been claimed. */
  attempts: number;
  nextAt: number;
  lockedUntil: number | null;
  /** The receiver's last HTTP status; null when it never answered (timeout, connection refused). */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

/** A claimed delivery and the event it carries. */
export interface ClaimedDelivery extends DeliveryRow {
  event: EventRow;
}

export interface WebhookEndpointState {
  endpointId: string;
  firstSeenAt: number;
  disabledAt: number | null;
  disabledReason: string | null;
}

/** How one attempt at a delivery ended, fenced by the claim's `attempt`: delivered, retried at `retryAt`, or failed (null). */
export interface DeliveryOutcome {
  now: number;
  attempt: number;
  delivered: boolean;
  status: number | null;
  error: string | null;
  retryAt: number | null;
}

export interface WebhookStore {
  /** Records the endpoints not seen before (first seen `now`: they get the events stored from then on); returns every known state. */
  registerEndpoints(endpointIds: readonly string[], now: number): Promise<WebhookEndpointState[]>;
  /**
   * Takes up to `limit` unrouted events (oldest first, skipping those another instance is routing), inserts one
   * pending delivery per matching target — a target matches when the event's union and type fit and the event is
   * no older than the endpoint's first sighting — and marks the events routed, in one transaction. Returns how many
   * events were routed and how many deliveries were made.
   */
  routeEvents(options: { now: number; limit: number; targets: readonly RouteTarget[] }): Promise<{ events: number; deliveries: number }>;
  /**
   * Claims up to `limit` due deliveries of the given (enabled) endpoints: pending with nextAt ≤ now, or running with
   * an expired lease, and only the oldest unfinished one of each (endpoint, order key) — deliveries of one user go
   * out one at a time, in event order. status → running, lockedUntil = now + leaseMs, attempts + 1.
   */
  claimDeliveries(options: { now: number; limit: number; leaseMs: number; endpointIds: readonly string[] }): Promise<ClaimedDelivery[]>;
  /** The outcome of one attempt, fenced by the claim's `attempt`: delivered, retried at `retryAt`, or failed (retryAt null). */
  finishDelivery(id: string, outcome: DeliveryOutcome): Promise<boolean>;
  /**
   * Several attempts' outcomes, each fenced as in `finishDelivery`, in one write transaction: the worker records a
   * claim's successful deliveries together (one commit, not one per delivery). Resolves with how many applied.
   */
  finishDeliveries(outcomes: readonly { id: string; outcome: DeliveryOutcome }[]): Promise<number>;
  /** A receiver answered 410 Gone: the endpoint takes nothing until it is enabled again; its deliveries wait. */
  disableEndpoint(endpointId: string, now: number, reason: string): Promise<void>;
  enableEndpoint(endpointId: string): Promise<boolean>;
  /**
   * Makes deliveries pending again, due `now`: those of one event (`eventId`), or of the events stored in
   * [from, to) — inserting the ones the router never made (an endpoint added later). Returns how many.
   */
  redeliver(options: { now: number; targets: readonly RouteTarget[]; eventId?: number; from?: number; to?: number }): Promise<number>;
  listDeliveries(options: { eventId?: number; endpointId?: string; status?: DeliveryStatus; limit: number }): Promise<DeliveryRow[]>;
  deliveryCounts(): Promise<Record<DeliveryStatus, number>>;
  /**
   * Per endpoint with any delivery still pending or running: when the oldest of them was queued (ms). The metrics'
   * webhook lag; an endpoint with none unfinished is absent.
   */
  oldestUnfinishedDeliveries(): Promise<Map<string, number>>;
}
