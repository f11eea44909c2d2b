/** The people using the emulated WeChat: flags, follows, OAuth grants, phone numbers, and their per-app openids. */
import type { EmulatorApp } from './emulator-app.js';
import type { IdMinter } from './ids.js';

export interface Person {
  readonly id: string;
  readonly name: string | null;
  riskBlocked: boolean;
  declinesUserInfo: boolean;
  /** appids of official accounts this person follows (kept in step with `subscriptions` by follow/unfollow). */
  readonly follows: Set<string>;
  /** How and when the person followed each official account they follow. */
  readonly subscriptions: Map<string, Subscription>;
  /** appids this person has authorised through OAuth (official account / website / mobile). */
  readonly authorized: Set<string>;
  /** The phone number getPhoneNumber discloses. */
  phone: PhoneNumber;
}

/** A follow: when (virtual epoch ms), through which scene, and the QR scene when it came from a parameterised QR code. */
export interface Subscription {
  readonly at: number;
  readonly scene: string;
  readonly qrScene: number;
  readonly qrSceneStr: string;
}

/** A phone number as WeChat's phone_info splits it. */
export interface PhoneNumber {
  readonly countryCode: string;
  readonly number: string;
}

/** What the control API and the test view show of a person (no session keys). */
export interface PersonSnapshot {
  id: string;
  name: string | null;
  openids: Record<string, string>;
  unionids: Record<string, string>;
  follows: string[];
  /** Follow time (virtual epoch ms) per followed official account. */
  subscribedAt: Record<string, number>;
  authorized: string[];
  riskBlocked: boolean;
  declinesUserInfo: boolean;
  /** `+<country code> <number>`. */
  phoneNumber: string;
}

export interface NewPerson {
  name?: string | undefined;
  riskBlocked?: boolean | undefined;
  declinesUserInfo?: boolean | undefined;
}

const key = (appid: string, openid: string): string => `${appid}\n${openid}`;

/** Persons by id (`p_1`, `p_2`…) and by (appid, openid). */
export class PersonRegistry {
  readonly #apps: readonly EmulatorApp[];
  readonly #ids: IdMinter;
  readonly #persons = new Map<string, Person>();
  readonly #byOpenid = new Map<string, string>();
  #next = 1;

  constructor(apps: readonly EmulatorApp[], ids: IdMinter) {
    this.#apps = apps;
    this.#ids = ids;
  }

  create(init: NewPerson): Person {
    const n = this.#next++;
    const person: Person = {
      id: `p_${n}`,
      name: init.name ?? null,
      riskBlocked: init.riskBlocked ?? false,
      declinesUserInfo: init.declinesUserInfo ?? false,
      follows: new Set(),
      subscriptions: new Map(),
      authorized: new Set(),
      // Deterministic default: p_1 → 13900000001 (a +86 mobile number shape).
      phone: { countryCode: '86', number: `139${String(n % 1e8).padStart(8, '0')}` },
    };
    this.#persons.set(person.id, person);
    for (const app of this.#apps) this.#byOpenid.set(key(app.appid, this.openid(person.id, app.appid)), person.id);
    return person;
  }

  get(id: string): Person | undefined {
    return this.#persons.get(id);
  }

  list(): Person[] {
    return [...this.#persons.values()];
  }

  byOpenid(appid: string, openid: string): Person | undefined {
    const id = this.#byOpenid.get(key(appid, openid));
    return id === undefined ? undefined : this.#persons.get(id);
  }

  openid(personId: string, appid: string): string {
    return this.#ids.openid(personId, appid);
  }

  unionid(personId: string, openAppid: string): string {
    return this.#ids.unionid(personId, openAppid);
  }

  /** Starts following `appid` (no-op, false, when already following). */
  follow(person: Person, appid: string, sub: Subscription): boolean {
    if (person.follows.has(appid)) return false;
    person.follows.add(appid);
    person.subscriptions.set(appid, sub);
    return true;
  }

  /** Stops following `appid` (false when not following). */
  unfollow(person: Person, appid: string): boolean {
    if (!person.follows.has(appid)) return false;
    person.follows.delete(appid);
    person.subscriptions.delete(appid);
    return true;
  }

  snapshot(person: Person): PersonSnapshot {
    const openids: Record<string, string> = {};
    const unionids: Record<string, string> = {};
    for (const app of this.#apps) {
      openids[app.appid] = this.openid(person.id, app.appid);
      if (app.openAppid !== null) unionids[app.openAppid] = this.unionid(person.id, app.openAppid);
    }
    return {
      id: person.id,
      name: person.name,
      openids,
      unionids,
      follows: [...person.follows],
      subscribedAt: Object.fromEntries([...person.subscriptions].map(([appid, sub]) => [appid, sub.at])),
      authorized: [...person.authorized],
      riskBlocked: person.riskBlocked,
      declinesUserInfo: person.declinesUserInfo,
      phoneNumber: `+${person.phone.countryCode} ${person.phone.number}`,
    };
  }

  /** Forget everyone; ids restart at p_1 with new openids (the minter is reseeded). */
  clear(): void {
    this.#persons.clear();
    this.#byOpenid.clear();
    this.#next = 1;
    this.#ids.reseed();
  }
}
