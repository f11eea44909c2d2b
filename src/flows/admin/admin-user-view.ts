/**
 * `GET /v1/admin/users/:id` and `weunion users show`: one person as an operator sees them — identities per app,
 * union identities, phone, first/last seen, aliases, and the history of merges and links from the events table as
 * a timeline. Never a session_key. A key limited to one union sees only that union's identities.
 */
import { AppError } from '../../errors.js';
import type { AdminReads, AppIdentityRow, EventRow, ProfileStore, UnionIdentityRow } from '../../store/port.js';
import { type AdminActor, type AdminConfig, requireVisible, unionOfApp, unionsOf } from './admin-actor.js';
import { resolveAdminUser } from './live-user.js';
import { type TimelineEntry, toTimeline } from './timeline.js';

export interface AdminIdentityView {
  openid: string;
  unionid: string | null;
  /** A decrypted unionid another user owns, held aside (docs/design.md "Whose word a unionid is"). */
  pendingUnionid: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  subscribed: boolean | null;
  hasSessionKey: boolean;
}

export interface AdminAppView {
  appid: string;
  kind: string | null;
  name: string | null;
  union: string | null;
  identities: AdminIdentityView[];
}

export interface AdminUserView {
  userId: string;
  /** The id asked for when it was an alias (a merged user): it resolves to `userId`. */
  mergedFrom: string | null;
  status: 'live' | 'erased';
  createdAt: number;
  erasedAt: number | null;
  /** Over the app identities; null when there are none (a tombstone). */
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  phone: { phoneNumber: string; purePhoneNumber: string; countryCode: string; updatedAt: number } | null;
  apps: AdminAppView[];
  unions: Array<{ unionKey: string; unionid: string; confirmed: boolean }>;
  aliases: string[];
  timeline: TimelineEntry[];
}

export interface AdminViewDeps {
  config: AdminConfig;
  store: AdminReads;
  profile: Pick<ProfileStore, 'findUserPhone'>;
}

/** The view, with the raw rows behind it (for the export). ERR_USER_NOT_FOUND for an unknown id. */
export async function loadAdminUser(
  deps: AdminViewDeps,
  actor: AdminActor,
  id: string,
): Promise<{ view: AdminUserView; events: EventRow[]; apps: AppIdentityRow[]; unions: UnionIdentityRow[] }> {
  const found = await resolveAdminUser(deps.store, id);
  if (!found) throw new AppError('ERR_USER_NOT_FOUND');
  const { user } = found;
  const [allApps, allUnions, aliases, phone] = await Promise.all([
    deps.store.listAppIdentities(user.id),
    deps.store.listUnionIdentities(user.id),
    deps.store.listAliases(user.id),
    deps.profile.findUserPhone(user.id),
  ]);
  const events = await deps.store.listEventsOfUsers([user.id, ...aliases]);
  requireVisible(actor, user.erasedAt === null ? unionsOf(deps.config, allApps, allUnions) : erasedUnions(events));
  const apps = allApps.filter((a) => actor.union === null || unionOfApp(deps.config, a.appid) === actor.union);
  const unions = allUnions.filter((u) => actor.union === null || u.unionKey === actor.union);
  const seen = apps.flatMap((a) => [a.firstSeenAt, a.lastSeenAt]);
  const view: AdminUserView = {
    userId: user.id,
    mergedFrom: found.mergedFrom,
    status: user.erasedAt === null ? 'live' : 'erased',
    createdAt: user.createdAt,
    erasedAt: user.erasedAt,
    firstSeenAt: seen.length ? Math.min(...apps.map((a) => a.firstSeenAt)) : null,
    lastSeenAt: seen.length ? Math.max(...apps.map((a) => a.lastSeenAt)) : null,
    phone: phone
      ? { phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode, updatedAt: phone.updatedAt }
      : null,
    apps: groupByApp(deps.config, apps),
    unions: unions.map((u) => ({ unionKey: u.unionKey, unionid: u.unionid, confirmed: u.confirmed })),
    aliases,
    timeline: toTimeline(events),
  };
  return { view, events, apps, unions };
}

/** The unions a tombstone was in, as its `user.erased` event recorded them. */
export function erasedUnions(events: readonly EventRow[]): string[] {
  const erased = events.findLast((e) => e.type === 'user.erased');
  const unions = erased?.data.unions;
  return Array.isArray(unions) ? unions.filter((u): u is string => typeof u === 'string') : [];
}

function groupByApp(config: AdminConfig, apps: readonly AppIdentityRow[]): AdminAppView[] {
  const byApp = new Map<string, AdminAppView>();
  for (const a of apps) {
    const app = config.apps.find((c) => c.appid === a.appid);
    let group = byApp.get(a.appid);
    if (!group) {
      group = { appid: a.appid, kind: app?.kind ?? null, name: app?.name ?? null, union: app?.union ?? null, identities: [] };
      byApp.set(a.appid, group);
    }
    group.identities.push({
      openid: a.openid,
      unionid: a.unionid,
      pendingUnionid: a.pendingUnionid,
      firstSeenAt: a.firstSeenAt,
      lastSeenAt: a.lastSeenAt,
      subscribed: a.subscribed,
      hasSessionKey: a.sessionKeyEnc !== null,
    });
  }
  return [...byApp.values()];
}
