/**
 * Identity rows as the port spells them, from the table rows as the drivers return them (numbers may come back as
 * strings or bigints from PostgreSQL; SQLite keeps booleans as 0/1).
 */
import type { Selectable } from 'kysely';
import type { AppIdentityRow, EventRow, EventType, UnionIdentityRow, UserRow } from './port.js';
import type { AppIdentitiesTable, EventsTable, UnionIdentitiesTable, UsersTable } from './schema.js';

export function toUser(r: Selectable<UsersTable>): UserRow {
  return { id: r.id, createdAt: Number(r.created_at), mergedInto: r.merged_into, mergedAt: r.merged_at === null ? null : Number(r.merged_at) };
}

export function toAppIdentity(r: Selectable<AppIdentitiesTable>): AppIdentityRow {
  return {
    appid: r.appid,
    openid: r.openid,
    userId: r.user_id,
    unionid: r.unionid,
    sessionKeyEnc: r.session_key_enc,
    firstSeenAt: Number(r.first_seen_at),
    lastSeenAt: Number(r.last_seen_at),
    subscribed: r.subscribed === null ? null : Number(r.subscribed) === 1,
    subscribedAt: r.subscribed_at === null ? null : Number(r.subscribed_at),
    pendingUnionid: r.pending_unionid ?? null,
  };
}

export function toUnionIdentity(r: Selectable<UnionIdentitiesTable>): UnionIdentityRow {
  return { unionKey: r.union_key, unionid: r.unionid, userId: r.user_id, createdAt: Number(r.created_at), confirmed: Number(r.confirmed) === 1 };
}

export function toEvent(r: Selectable<EventsTable>): EventRow {
  return {
    id: Number(r.id),
    type: r.type as EventType,
    userId: r.user_id,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: Number(r.created_at),
  };
}
