/** The emulator's options: checked once with zod, defaults filled in, frozen. */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { ManualClock, type Clock } from '../clock.js';

/** The four kinds of WeChat app an Open Platform account can bind. */
export const APP_KINDS = ['miniprogram', 'officialAccount', 'website', 'mobile'] as const;
export type AppKind = (typeof APP_KINDS)[number];

/** One WeChat app the emulator serves. `openAppid` is the Open Platform account it is bound to (null = unbound). */
export interface EmulatorApp {
  readonly appid: string;
  readonly secret: string;
  readonly kind: AppKind;
  readonly openAppid: string | null;
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

export interface EmulatorOptions {
  apps: EmulatorApp[];
  unionidRule?: UnionidRule;
  rotateSessionKeyOnLogin?: boolean;
  codeTtlSeconds?: number;
  tokenTtlSeconds?: number;
  tokenOverlapSeconds?: number;
  loginLimitPerMinute?: number;
  clock?: Clock;
  random?: RandomBytes;
  logger?: FastifyBaseLogger | false;
}

export interface ResolvedEmulatorOptions {
  readonly apps: readonly EmulatorApp[];
  readonly unionidRule: UnionidRule;
  readonly rotateSessionKeyOnLogin: boolean;
  readonly codeTtlSeconds: number;
  readonly tokenTtlSeconds: number;
  readonly tokenOverlapSeconds: number;
  readonly loginLimitPerMinute: number;
  readonly clock: AdvanceableClock;
  readonly random: RandomBytes;
  readonly logger: FastifyBaseLogger | false;
}

const appSchema = z.strictObject({
  appid: z.string().min(1),
  secret: z.string().min(1),
  kind: z.enum(APP_KINDS),
  openAppid: z.string().min(1).nullable(),
});

const isFn = (v: unknown): boolean => typeof v === 'function';

const optionsSchema = z.strictObject({
  apps: z.array(appSchema).refine((apps) => new Set(apps.map((a) => a.appid)).size === apps.length, 'appids must be unique'),
  unionidRule: z.enum(['current', 'legacy']).default('current'),
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
  return Object.freeze({
    ...o,
    apps: Object.freeze(o.apps.map((a) => Object.freeze({ ...a }))),
    clock,
    random: o.random ?? ((n: number) => randomBytes(n)),
  });
}
