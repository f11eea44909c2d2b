/**
 * All mutable emulator state in one place (persons, codes, session keys, tokens, login quota, OAuth codes and
 * tokens, QR tickets, phone codes, payments, callback settings), plus a read-only view for tests.
 */
import type { Clock } from '../clock.js';
import { AppCallbacks, type AppCallbackView } from './app-callbacks.js';
import { OAuthDomains } from './oauth-domain.js';
import { CodeStore } from './codes.js';
import type { IdMinter } from './ids.js';
import { LoginRateLimiter } from './login-rate.js';
import { OAuthTokenStore, type OAuthScope } from './oauth-tokens.js';
import { OneTimeCodes } from './one-time-codes.js';
import type { EmulatorApp } from './emulator-app.js';
import type { ResolvedEmulatorOptions } from './options.js';
import { Payments } from './payments.js';
import { PersonRegistry, type PersonSnapshot } from './persons.js';
import { QrTickets } from './qr-tickets.js';
import { SessionKeys } from './session-keys.js';
import { TokenStore } from './tokens.js';

/** What an OAuth code stands for. */
export interface OAuthCodeData {
  readonly personId: string;
  readonly scope: OAuthScope;
  readonly snapshot: boolean;
}

/** An app as the control API shows it: never the secret. */
export interface AppSummary {
  appid: string;
  kind: EmulatorApp['kind'];
  openAppid: string | null;
}

/** What tests may read of the emulator's state. Snapshots are copies; changing them changes nothing. */
export interface EmulatorStateView {
  apps(): AppSummary[];
  person(id: string): PersonSnapshot | undefined;
  persons(): PersonSnapshot[];
  personByOpenid(appid: string, openid: string): PersonSnapshot | undefined;
  /** The person's current session_key for a mini program (tests only — never logged). */
  sessionKey(personId: string, appid: string): string | undefined;
  openid(personId: string, appid: string): string;
  unionid(personId: string, openAppid: string): string;
  /** Live (not yet swept) login codes and tokens, to check nothing leaks. */
  counts(): { persons: number; codes: number; tokens: number };
  /** An app's push settings (never its Token or EncodingAESKey). */
  appCallback(appid: string): AppCallbackView | undefined;
}

export class EmulatorState {
  /** Mutable only through `bindOpen` (one frozen app replaced by another); PersonRegistry reads the same array. */
  readonly #apps: EmulatorApp[];
  readonly persons: PersonRegistry;
  readonly codes: CodeStore;
  readonly sessionKeys: SessionKeys;
  readonly tokens: TokenStore;
  readonly loginRate: LoginRateLimiter;
  readonly oauthCodes: OneTimeCodes<OAuthCodeData>;
  readonly oauthTokens: OAuthTokenStore;
  readonly phoneCodes: OneTimeCodes<{ personId: string }>;
  readonly tickets: QrTickets;
  readonly payments: Payments;
  /** Push settings per app: not cleared by reset (they are app configuration). */
  readonly callbacks: AppCallbacks;
  /** Each app's OAuth redirect domain: not cleared by reset either. */
  readonly oauthDomains: OAuthDomains;
  readonly #byAppid: Map<string, EmulatorApp>;

  constructor(options: ResolvedEmulatorOptions, ids: IdMinter, clock: Clock) {
    this.#apps = [...options.apps];
    this.#byAppid = new Map(options.apps.map((a) => [a.appid, a]));
    this.persons = new PersonRegistry(this.#apps, ids);
    this.codes = new CodeStore(options.codeTtlSeconds, clock, ids);
    this.sessionKeys = new SessionKeys(ids);
    this.tokens = new TokenStore({ ttlSeconds: options.tokenTtlSeconds, overlapSeconds: options.tokenOverlapSeconds, clock, ids });
    this.loginRate = new LoginRateLimiter(options.loginLimitPerMinute, clock);
    this.oauthCodes = new OneTimeCodes(clock, ids);
    this.oauthTokens = new OAuthTokenStore({ clock, ids, ttlSeconds: options.oauthTokenTtlSeconds, refreshTtlSeconds: options.oauthRefreshTtlSeconds });
    this.phoneCodes = new OneTimeCodes(clock, ids);
    this.tickets = new QrTickets(clock, ids);
    this.payments = new Payments(clock, ids);
    this.callbacks = new AppCallbacks(options.apps);
    this.oauthDomains = new OAuthDomains(options.apps, { websiteSubdomains: options.websiteOAuthSubdomains });
  }

  get apps(): readonly EmulatorApp[] {
    return this.#apps;
  }

  app(appid: string): EmulatorApp | undefined {
    return this.#byAppid.get(appid);
  }

  /**
   * Binds `appid` to Open Platform account `openAppid`, or unbinds it (null): what an operator does in the Open
   * Platform console at run time. Every later answer (unionids, open/get, code2Session) follows the new binding.
   */
  bindOpen(appid: string, openAppid: string | null): EmulatorApp | undefined {
    const i = this.#apps.findIndex((a) => a.appid === appid);
    const current = this.#apps[i];
    if (current === undefined) return undefined;
    const next = Object.freeze({ ...current, openAppid });
    this.#apps[i] = next;
    this.#byAppid.set(appid, next);
    return next;
  }

  /** Forget persons, codes, keys, tokens, quotas, tickets and payments. Apps (and their push settings) stay. */
  reset(): void {
    this.persons.clear();
    this.codes.clear();
    this.sessionKeys.clear();
    this.tokens.clear();
    this.loginRate.clear();
    this.oauthCodes.clear();
    this.oauthTokens.clear();
    this.phoneCodes.clear();
    this.tickets.clear();
    this.payments.clear();
  }

  view(): EmulatorStateView {
    const snap = (p: Parameters<PersonRegistry['snapshot']>[0] | undefined): PersonSnapshot | undefined =>
      p === undefined ? undefined : this.persons.snapshot(p);
    return Object.freeze({
      apps: () => this.apps.map(({ appid, kind, openAppid }) => ({ appid, kind, openAppid })),
      person: (id: string) => snap(this.persons.get(id)),
      persons: () => this.persons.list().map((p) => this.persons.snapshot(p)),
      personByOpenid: (appid: string, openid: string) => snap(this.persons.byOpenid(appid, openid)),
      sessionKey: (personId: string, appid: string) => this.sessionKeys.current(personId, appid),
      openid: (personId: string, appid: string) => this.persons.openid(personId, appid),
      unionid: (personId: string, openAppid: string) => this.persons.unionid(personId, openAppid),
      counts: () => ({ persons: this.persons.list().length, codes: this.codes.size, tokens: this.tokens.size }),
      appCallback: (appid: string) => this.callbacks.view(appid),
    });
  }
}
