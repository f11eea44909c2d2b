/** The emulator's options: checked once with zod, defaults filled in, frozen. */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { ManualClock, systemClock, type Clock } from '../clock.js';
import { callbackProblem, callbackUrlSchema, encodingAesKeySchema, initialSettings, tokenSchema } from './app-callbacks.js';
import { oauthDomainSettingSchema } from './oauth-domain.js';
import { MESSAGE_MODES } from './push-xml.js';

export { APP_KINDS, type AppKind, type EmulatorApp } from './emulator-app.js';
import { APP_KINDS, type EmulatorApp } from './emulator-app.js';

/** Lifetimes of OAuth codes per kind of app: official account, website, mobile app. */
export interface OAuthCodeTtls {
  oa: number;
  web: number;
  app: number;
}

/** A source of random bytes (defaults to `crypto.randomBytes`); inject a seeded one for reproducible runs. */
export type RandomBytes = (n: number) => Buffer;

/** A clock the control API can move (`ManualClock` fits). */
export interface AdvanceableClock extends Clock {
  advance(seconds: number): void;
}

/**
 * When code2Session discloses the unionid of a bound app.
 * `current`: always (WeChat since 2021-02-23). `legacy`: only once the person follows a same-account official
 * account or has OAuth-authorised a same-account officialAccount/website/mobile app (WeChat before that date).
 */
export type UnionidRule = 'current' | 'legacy';

/**
 * Which clock stamps pushes (CreateTime and the signature's `timestamp`): `receiver` — the receiver's own time
 * (`receiverClock`, default the system clock), so a receiver that checks timestamps against its clock is not fooled
 * by a virtual clock moved days ahead; `virtual` — the emulator's virtual clock, for tests that pin CreateTime.
 */
export type PushTimes = 'receiver' | 'virtual';

export interface EmulatorOptions {
  apps: EmulatorApp[];
  /** Which clock stamps pushes (default `receiver`). */
  pushTimes?: PushTimes;
  /** The receiver's clock for `pushTimes: 'receiver'` (default the system clock). */
  receiverClock?: Clock;
  unionidRule?: UnionidRule;
  rotateSessionKeyOnLogin?: boolean;
  codeTtlSeconds?: number;
  tokenTtlSeconds?: number;
  tokenOverlapSeconds?: number;
  loginLimitPerMinute?: number;
  clock?: Clock;
  random?: RandomBytes;
  logger?: FastifyBaseLogger | false;
  /** How long a push waits for the callback's answer (real ms; WeChat: 5 s). */
  pushTimeoutMs?: number;
  /** Real ms between a failed try and the next (beyond the timeout); default 0. */
  pushRetryDelayMs?: number;
  /** Tries per push in total (WeChat: 3 — docs/wechat-api.md §6.5 reads it as 3 tries overall). */
  pushAttempts?: number;
  /** OAuth code lifetimes, seconds: official account 300, website 600, mobile app 600 (the latter two [unconf]). */
  oauthCodeTtlSeconds?: Partial<OAuthCodeTtls>;
  /** OAuth access_token lifetime, seconds (7200). */
  oauthTokenTtlSeconds?: number;
  /** OAuth refresh_token lifetime, seconds (30 days). */
  oauthRefreshTtlSeconds?: number;
  /** Whether snsapi_base OAuth discloses the unionid (docs: no; some developers report yes). Default false. */
  unionidForBaseScope?: boolean;
  /** expire_seconds of a temporary QR code created without one (older docs 30 s, newer 60 s [unconf]). Default 30. */
  qrDefaultExpireSeconds?: number;
  /** Openids per `cgi-bin/user/get` page (WeChat: 10,000); smaller values make paging testable. */
  userGetPageSize?: number;
  /** Phone code lifetime, seconds (300). */
  phoneCodeTtlSeconds?: number;
  /** Whether a website app's `oauthDomain` also admits its subdomains (unconfirmed, docs/wechat-api.md §11). Default false. */
  websiteOAuthSubdomains?: boolean;
  /** How long after a payment getpaidunionid works, seconds (300). */
  paidUnionidWindowSeconds?: number;
}

export interface ResolvedEmulatorOptions {
  readonly apps: readonly EmulatorApp[];
  readonly pushTimes: PushTimes;
  /** The clock pushes are stamped with (per `pushTimes`). */
  readonly pushClock: Clock;
  readonly unionidRule: UnionidRule;
  readonly rotateSessionKeyOnLogin: boolean;
  readonly codeTtlSeconds: number;
  readonly tokenTtlSeconds: number;
  readonly tokenOverlapSeconds: number;
  readonly loginLimitPerMinute: number;
  readonly clock: AdvanceableClock;
  readonly random: RandomBytes;
  readonly logger: FastifyBaseLogger | false;
  readonly pushTimeoutMs: number;
  readonly pushRetryDelayMs: number;
  readonly pushAttempts: number;
  readonly oauthCodeTtlSeconds: Readonly<OAuthCodeTtls>;
  readonly oauthTokenTtlSeconds: number;
  readonly oauthRefreshTtlSeconds: number;
  readonly unionidForBaseScope: boolean;
  readonly qrDefaultExpireSeconds: number;
  readonly userGetPageSize: number;
  readonly phoneCodeTtlSeconds: number;
  readonly websiteOAuthSubdomains: boolean;
  readonly paidUnionidWindowSeconds: number;
}

const appSchema = z
  .strictObject({
    appid: z.string().min(1),
    secret: z.string().min(1),
    kind: z.enum(APP_KINDS),
    openAppid: z.string().min(1).nullable(),
    callbackUrl: callbackUrlSchema.nullable().optional(),
    token: tokenSchema.optional(),
    encodingAesKey: encodingAesKeySchema.optional(),
    messageMode: z.enum(MESSAGE_MODES).optional(),
    originalId: z.string().min(1).max(64).optional(),
    oauthDomain: oauthDomainSettingSchema.optional(),
  })
  .superRefine((app, ctx) => {
    const problem = callbackProblem(app, initialSettings(app));
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const positiveInt = z.number().int().positive();

const isFn = (v: unknown): boolean => typeof v === 'function';

const optionsSchema = z.strictObject({
  apps: z.array(appSchema).refine((apps) => new Set(apps.map((a) => a.appid)).size === apps.length, 'appids must be unique'),
  unionidRule: z.enum(['current', 'legacy']).default('current'),
  pushTimes: z.enum(['receiver', 'virtual']).default('receiver'),
  receiverClock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && isFn((v as Clock).now), 'a Clock').optional(),
  rotateSessionKeyOnLogin: z.boolean().default(false),
  codeTtlSeconds: z.number().int().positive().default(300),
  tokenTtlSeconds: z.number().int().positive().default(7200),
  tokenOverlapSeconds: z.number().int().nonnegative().default(300),
  loginLimitPerMinute: z.number().int().positive().default(100),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && isFn((v as Clock).now), 'a Clock').optional(),
  random: z.custom<RandomBytes>(isFn, 'a (n) => Buffer function').optional(),
  logger: z
    .union([
      z.literal(false),
      z.custom<FastifyBaseLogger>(
        (v) => typeof v === 'object' && v !== null && ['info', 'error', 'child'].every((m) => isFn((v as Record<string, unknown>)[m])),
        'a pino-compatible logger',
      ),
    ])
    .default(false),
  pushTimeoutMs: positiveInt.max(600_000).default(5000),
  pushRetryDelayMs: z.number().int().nonnegative().max(600_000).default(0),
  pushAttempts: positiveInt.max(10).default(3),
  oauthCodeTtlSeconds: z.strictObject({ oa: positiveInt.default(300), web: positiveInt.default(600), app: positiveInt.default(600) }).prefault({}),
  oauthTokenTtlSeconds: positiveInt.default(7200),
  oauthRefreshTtlSeconds: positiveInt.default(30 * 86_400),
  unionidForBaseScope: z.boolean().default(false),
  qrDefaultExpireSeconds: positiveInt.max(2_592_000).default(30),
  userGetPageSize: positiveInt.max(10_000).default(10_000),
  phoneCodeTtlSeconds: positiveInt.default(300),
  websiteOAuthSubdomains: z.boolean().default(false),
  paidUnionidWindowSeconds: positiveInt.default(300),
});

function isAdvanceable(clock: Clock): clock is AdvanceableClock {
  return isFn((clock as Partial<AdvanceableClock>).advance);
}

/**
 * Checks the options and fills in defaults. A plain `Clock` is wrapped in a `ManualClock` so the control API
 * can still move virtual time. Bad options are a programmer error: `TypeError`.
 */
export function resolveEmulatorOptions(input: EmulatorOptions): ResolvedEmulatorOptions {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) throw new TypeError(`createEmulator: invalid options:\n${z.prettifyError(parsed.error)}`);
  const o = parsed.data;
  const clock = o.clock === undefined ? new ManualClock() : isAdvanceable(o.clock) ? o.clock : new ManualClock(o.clock);
  const { receiverClock, ...rest } = o;
  return Object.freeze({
    ...rest,
    pushClock: o.pushTimes === 'virtual' ? clock : (receiverClock ?? systemClock),
    apps: Object.freeze(o.apps.map((a) => Object.freeze({ ...a }))),
    oauthCodeTtlSeconds: Object.freeze({ ...o.oauthCodeTtlSeconds }),
    clock,
    random: o.random ?? ((n: number) => randomBytes(n)),
  });
}
