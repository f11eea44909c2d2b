/**
 * From a row of the `events` outbox to the public shape (event-types.ts). The stored `data` is the identity
 * layer's record (field names may change with it); this mapping is the one place that turns it into the contract.
 */
import type { EventRow } from '../store/port.js';
import { type PublicEvent, publicEventId } from './event-types.js';

/** Resolves a user id to the live one (a merged id → its survivor; a live or unknown id → itself). */
export type LiveUserResolver = (userId: string) => Promise<string>;

export async function toPublicEvent(row: EventRow, liveUserId: LiveUserResolver): Promise<PublicEvent> {
  const d = row.data;
  const union = typeof d.unionKey === 'string' ? d.unionKey : null;
  return {
    id: publicEventId(row.id),
    type: row.type,
    time: new Date(row.createdAt).toISOString(),
    union,
    userId: row.userId,
    liveUserId: await liveUserId(row.userId),
    data: publicData(row),
  };
}

function publicData(row: EventRow): Record<string, unknown> {
  const d = row.data;
  switch (row.type) {
    case 'user.created':
    case 'identity.linked':
      return { appid: d.appid, openid: d.openid, unionid: d.unionid ?? null, unionidConfirmed: d.confirmed === true };
    case 'user.merged':
      return {
        survivorUserId: row.userId,
        mergedUserId: d.mergedUserId,
        moved: { appIdentities: d.movedAppIdentities ?? 0, unionIdentities: d.movedUnionIdentities ?? 0 },
        phoneCarried: d.phoneCarried === true,
        // The login that revealed the two were one person.
        via: { appid: d.appid, openid: d.openid, unionid: d.unionid ?? null },
      };
    case 'identity.unlinked':
      return { unionid: d.unionid, reason: d.reason, appIdentities: d.appIdentities ?? 0, by: d.by ?? null };
    case 'phone.bound':
      return { appid: d.appid, phoneNumber: d.phoneNumber, purePhoneNumber: d.purePhoneNumber, countryCode: d.countryCode };
    case 'user.erased':
    case 'sessions.revoked':
      return { actor: d.actor ?? null, reason: d.reason ?? null };
    default: {
      // Types added later (admin actions) go out as stored, minus the union key the envelope already carries.
      const { unionKey: _union, ...rest } = d;
      return rest;
    }
  }
}
