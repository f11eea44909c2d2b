/**
 * The public event types and their JSON shapes, as businesses receive them (webhooks and the pull feed). The shapes
 * are a contract: docs/events.md documents each one and test/events/events.test.ts keeps the two in sync. The
 * list is open: the admin actions add their own types (with `actor` and `reason`), delivered as they are stored.
 */

/** Every type this build emits, with the fields of its `data` (documented in docs/events.md). */
export const EVENT_FIELDS = {
  'user.created': ['appid', 'openid', 'unionid', 'unionidConfirmed'],
  'identity.linked': ['appid', 'openid', 'unionid', 'unionidConfirmed'],
  'user.merged': ['survivorUserId', 'mergedUserId', 'moved', 'phoneCarried', 'via'],
  'identity.unlinked': ['unionid', 'reason', 'appIdentities', 'by'],
  'phone.bound': ['appid', 'phoneNumber', 'purePhoneNumber', 'countryCode'],
  'user.erased': ['actor', 'reason'],
  'sessions.revoked': ['actor', 'reason'],
} as const;

export type KnownEventType = keyof typeof EVENT_FIELDS;
export const EVENT_TYPES = Object.keys(EVENT_FIELDS) as KnownEventType[];

/** What a receiver gets: the envelope is the same for every type; `data` depends on `type`. */
export interface PublicEvent {
  /** `evt_<n>`: unique and stable; also the `webhook-id` of its deliveries (receivers deduplicate on it). */
  id: string;
  type: KnownEventType | (string & {});
  /** When it happened (ISO 8601, UTC). */
  time: string;
  /** The union (config `unions[].id`) the event belongs to; null for an app bound to none. */
  union: string | null;
  /** The user the event is about, as stored when it happened. */
  userId: string;
  /** The live user id now (a merged user resolves to its survivor): key your records by this one. */
  liveUserId: string;
  data: Record<string, unknown>;
}

/** The event id as receivers see it (`evt_12`); the numeric row id behind it, or undefined for anything else. */
export function publicEventId(rowId: number): string {
  return `evt_${rowId}`;
}

export function parsePublicEventId(id: string): number | undefined {
  const m = /^evt_([1-9][0-9]{0,15})$/.exec(id);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
