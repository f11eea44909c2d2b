/** The people using the emulated WeChat: flags, follows, OAuth grants, and their per-app openids. */
import type { EmulatorApp } from './options.js';
import type { IdMinter } from './ids.js';

export interface Person {
  readonly id: string;
  readonly name: string | null;
  riskBlocked: boolean;
  declinesUserInfo: boolean;
  /** appids of official accounts this person follows. */
  readonly follows: Set<string>;
  /** appids this person has authorised through OAuth (official account / website / mobile). */
  readonly authorized: Set<string>;
}

/** What the control API and the test view show of a person (no session keys). */
export interface PersonSnapshot {
  id: string;
  name: string | null;
  openids: Record<string, string>;
  unionids: Record<string, string>;
  follows: string[];
  authorized: string[];
  riskBlocked: boolean;
  declinesUserInfo: boolean;
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
    const person: Person = {
      id: `p_${this.#next++}`,
      name: init.name ?? null,
      riskBlocked: init.riskBlocked ?? false,
      declinesUserInfo: init.declinesUserInfo ?? false,
      follows: new Set(),
      authorized: new Set(),
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
      authorized: [...person.authorized],
      riskBlocked: person.riskBlocked,
      declinesUserInfo: person.declinesUserInfo,
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
