/**
 * `GET /v1/admin/users/find?id=` and `weunion users find <id>`: the users any id points at — our user id (a merged
 * id resolves, and the answer says so), an openid (in any app, or in `appid`), a unionid (in any union, or in
 * `union`), a phone number. An erased identity is found by its digest and answers the tombstone.
 */
import { AppError } from '../../errors.js';
import type { AdminReads } from '../../store/port.js';
import { type AdminActor, type AdminConfig, maySee, unionOfApp, unionsOf } from './admin-actor.js';
import { erasedUnions } from './admin-user-view.js';
import { erasedKeyHash } from './erased-key.js';
import { resolveAdminUser } from './live-user.js';

export type MatchedBy = 'userId' | 'openid' | 'unionid' | 'phone';

export interface UserMatch {
  /** The user now (the survivor, for a merged id). */
  userId: string;
  status: 'live' | 'erased';
  matchedBy: MatchedBy;
  /** A merged user's id that was asked for (or that holds the phone number): it resolves to `userId`. */
  mergedFrom: string | null;
  appid: string | null;
  unionKey: string | null;
}

export interface FindQuery {
  id: string;
  appid?: string | undefined;
  union?: string | undefined;
}

const USER_ID = /^u_[0-9a-z]{26}$/;
const PHONE = /^\+?[0-9]{5,20}$/;

export async function findUsers(deps: { config: AdminConfig; store: AdminReads }, actor: AdminActor, query: FindQuery): Promise<UserMatch[]> {
  const { store, config } = deps;
  const { id } = query;
  if (typeof id !== 'string' || id === '' || id.length > 128) throw new AppError('ERR_VALIDATION', { message: 'id must be 1–128 characters.' });
  const raw: Array<Omit<UserMatch, 'status' | 'mergedFrom'> & { askedId: string }> = [];
  if (USER_ID.test(id)) raw.push({ userId: id, askedId: id, matchedBy: 'userId', appid: null, unionKey: null });
  for (const a of await store.findAppIdentitiesByOpenid(id, query.appid)) {
    raw.push({ userId: a.userId, askedId: a.userId, matchedBy: 'openid', appid: a.appid, unionKey: unionOfApp(config, a.appid) });
  }
  for (const u of await store.findUnionIdentitiesByUnionid(id, query.union)) {
    raw.push({ userId: u.userId, askedId: u.userId, matchedBy: 'unionid', appid: null, unionKey: u.unionKey });
  }
  if (PHONE.test(id)) {
    for (const userId of await store.findUserIdsByPhone(id)) raw.push({ userId, askedId: userId, matchedBy: 'phone', appid: null, unionKey: null });
  }
  // Erased identities: only their digests are kept, one per (app, openid) and (union, unionid) we could have had.
  const candidates = [
    ...config.apps.filter((a) => query.appid === undefined || a.appid === query.appid).map((a) => erasedKeyHash('app', a.appid, id)),
    ...config.unions.filter((u) => query.union === undefined || u.id === query.union).map((u) => erasedKeyHash('union', u.id, id)),
  ];
  for (const e of await store.findErasedIdentities(candidates)) {
    raw.push({ userId: e.userId, askedId: e.userId, matchedBy: e.kind === 'app' ? 'openid' : 'unionid', appid: e.appid, unionKey: e.unionKey });
  }

  const matches: UserMatch[] = [];
  const seen = new Set<string>();
  for (const m of raw) {
    const found = await resolveAdminUser(store, m.askedId);
    if (!found) continue;
    const key = `${found.user.id}\0${m.matchedBy}\0${m.appid ?? ''}\0${m.unionKey ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!(await visible(deps, actor, found.user.id, found.user.erasedAt !== null))) continue;
    matches.push({
      userId: found.user.id,
      status: found.user.erasedAt === null ? 'live' : 'erased',
      matchedBy: m.matchedBy,
      mergedFrom: found.mergedFrom,
      appid: m.appid,
      unionKey: m.unionKey,
    });
  }
  return matches;
}

async function visible(deps: { config: AdminConfig; store: AdminReads }, actor: AdminActor, userId: string, erased: boolean): Promise<boolean> {
  if (actor.union === null) return true;
  if (erased) return maySee(actor, erasedUnions(await deps.store.listEventsOfUsers([userId])));
  const [apps, unions] = await Promise.all([deps.store.listAppIdentities(userId), deps.store.listUnionIdentities(userId)]);
  return maySee(actor, unionsOf(deps.config, apps, unions));
}
