/**
 * Reading users back: an id we ever issued → the live user (through `merged_into`), and a secret-free
 * view of that user's identities for the API.
 */
import type { IdentityStore, ProfileStore } from '../store/port.js';

/** One app identity as the API shows it (never the session_key). */
export interface AppIdentityView {
  appid: string;
  openid: string;
  unionid: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Official accounts: following (true), not (false), never recorded (null, and always for other apps). */
  subscribed: boolean | null;
}

/** The phone number the person disclosed through a mini program (getPhoneNumber). */
export interface PhoneView {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  updatedAt: number;
}

export interface UnionIdentityView {
  unionKey: string;
  unionid: string;
}

export interface UserView {
  /** The live user id (the survivor when the id asked for was merged). */
  userId: string;
  /** Ids merged into this user; each resolves to `userId`. */
  aliases: string[];
  identities: { app: AppIdentityView[]; union: UnionIdentityView[] };
  /** The live user's phone number; null when none was ever disclosed (a merge keeps the survivor's, or the loser's). */
  phone: PhoneView | null;
  createdAt: number;
}

/**
 * The live user `id` resolves to, or undefined for an id we never issued.
 * @example
 *   await resolveUserId(store, 'u_old…'); // 'u_survivor…'
 */
export async function resolveUserId(store: Pick<IdentityStore, 'findUser'>, id: string): Promise<string | undefined> {
  if (typeof id !== 'string') throw new TypeError('user id must be a string');
  let current = id;
  // markMerged keeps chains one hop long; the bound only guards against a corrupted cycle.
  for (let hops = 0; hops < 32; hops++) {
    const user = await store.findUser(current);
    if (!user) return undefined;
    if (user.mergedInto === null) return current;
    current = user.mergedInto;
  }
  throw new Error(`merged_into chain from ${id} is too long (a cycle?)`);
}

/**
 * The user `id` resolves to, with every identity and alias; undefined for an unknown id.
 * @example
 *   const view = await getUserView({ identity: store.identity, profile: store.profile }, userId);
 *   view?.identities.app.map((a) => a.appid);
 */
export async function getUserView(
  stores: { identity: IdentityStore; profile: Pick<ProfileStore, 'findUserPhone'> },
  id: string,
): Promise<UserView | undefined> {
  const { identity } = stores;
  const userId = await resolveUserId(identity, id);
  if (userId === undefined) return undefined;
  const [user, apps, unions, aliases, phone] = await Promise.all([
    identity.findUser(userId),
    identity.listAppIdentities(userId),
    identity.listUnionIdentities(userId),
    identity.listAliases(userId),
    stores.profile.findUserPhone(userId),
  ]);
  if (!user) return undefined;
  return {
    userId,
    aliases,
    identities: {
      app: apps.map(({ appid, openid, unionid, firstSeenAt, lastSeenAt, subscribed }) => ({
        appid,
        openid,
        unionid,
        firstSeenAt,
        lastSeenAt,
        subscribed,
      })),
      union: unions.map(({ unionKey, unionid }) => ({ unionKey, unionid })),
    },
    phone: phone
      ? { phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode, updatedAt: phone.updatedAt }
      : null,
    createdAt: user.createdAt,
  };
}
