/**
 * The one-time flow records part of the storage port: OAuth states, login codes, scan-to-follow logins,
 * plain-mode callback signatures.
 */

/** `callback_signature`: a plain-mode push signature seen, bound to its body's hash (see flows/oa/signature-binding.ts). */
export type FlowKind = 'oauth_state' | 'login_code' | 'qr_login' | 'callback_signature';

/** A short-lived record of a multi-step flow: an OAuth `state`, a one-time login code, a scan-to-follow ticket. */
export interface FlowRow {
  id: string;
  kind: FlowKind;
  status: string;
  /** JSON-serialisable; a string `lookupKey` in it is indexed (findFlowByLookupKey). */
  data: Record<string, unknown>;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface FlowStore {
  /** Inserts a flow; a duplicate id throws UniqueViolationError('flows_pk'). */
  putFlow(row: Omit<FlowRow, 'consumedAt' | 'createdAt'>, now: number): Promise<void>;
  findFlow(id: string): Promise<FlowRow | undefined>;
  /**
   * Atomically: if the row exists with this kind, is unconsumed and unexpired (expiresAt > now), marks it consumed
   * and returns it. Of concurrent callers (any instance) exactly one gets the row.
   */
  consumeFlow(id: string, kind: FlowKind, now: number): Promise<FlowRow | undefined>;
  /**
   * Atomically updates status and shallow-merges `data` (a new data.lookupKey moves the index too); only while
   * unconsumed and unexpired; returns the updated row or undefined.
   */
  updateFlow(id: string, patch: { status?: string; data?: Record<string, unknown> }, now: number): Promise<FlowRow | undefined>;
  /**
   * The newest unconsumed flow of a kind whose data.lookupKey is `lookupKey` (e.g. the QR scene string); with `now`,
   * only an unexpired one.
   */
  findFlowByLookupKey(kind: FlowKind, lookupKey: string, now?: number): Promise<FlowRow | undefined>;
  /** Deletes flows whose expiresAt ≤ now; returns how many. */
  deleteExpiredFlows(now: number): Promise<number>;
}
