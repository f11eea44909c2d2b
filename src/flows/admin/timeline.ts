/** The events of one person (the user and its aliases) as a timeline an operator reads: what happened, when, who. */
import type { EventRow } from '../../store/port.js';

export interface TimelineEntry {
  eventId: number;
  at: number;
  type: EventRow['type'];
  /** The user the event was recorded on (the survivor of a merge; an alias for its own earlier history). */
  userId: string;
  summary: string;
  /** Set for operators' actions: the admin key's name (or cli:<user>) and why. */
  actor: string | null;
  reason: string | null;
}

export function toTimeline(events: readonly EventRow[]): TimelineEntry[] {
  return events.map((e) => ({
    eventId: e.id,
    at: e.createdAt,
    type: e.type,
    userId: e.userId,
    summary: summarise(e),
    actor: typeof e.data.actor === 'string' ? e.data.actor : null,
    reason: typeof e.data.reason === 'string' ? e.data.reason : null,
  }));
}

function summarise(e: EventRow): string {
  const d = e.data;
  const who = d.appid !== undefined ? `${String(d.appid)}${d.openid !== undefined ? ` / ${String(d.openid)}` : ''}` : '';
  switch (e.type) {
    case 'user.created':
      return typeof d.splitFrom === 'string' ? `split out of ${d.splitFrom} (${who})` : `created by ${who || 'a login'}`;
    case 'identity.linked':
      return `${who} linked${typeof d.unionid === 'string' ? ` with unionid ${d.unionid}` : ''}`;
    case 'identity.unlinked':
      return typeof d.newUserId === 'string' ? `${who} split out into ${d.newUserId}` : `unionid claim released (${String(d.reason ?? 'unlinked')})`;
    case 'user.merged':
      return `${String(d.mergedUserId)} merged in (${Number(d.movedAppIdentities ?? 0)} app, ${Number(d.movedUnionIdentities ?? 0)} union identities moved)`;
    case 'user.erased':
      return 'erased: phone, profile, session keys and identities removed';
    default:
      return e.type;
  }
}
