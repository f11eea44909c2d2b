/**
 * The one typed configuration of a weunion deployment. Parsed once at the entry point (`load-config.ts`) and passed
 * down; nothing reads the environment after that. Every field has a default except the apps and unions.
 */
import { z } from 'zod';

export const APP_KINDS = ['miniprogram', 'officialAccount', 'website', 'mobile'] as const;
export type AppKind = (typeof APP_KINDS)[number];

const appSchema = z.strictObject({
  appid: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'an appid is 3–64 characters of [A-Za-z0-9_-]'),
  secret: z.string().min(1, 'the app secret is required'),
  kind: z.enum(APP_KINDS),
  /** The union (Open Platform account) this app is bound to, by our id; null or absent = not bound. */
  union: z.string().min(1).nullable().default(null),
  name: z.string().optional(),
  /** Official accounts: the callback Token and EncodingAESKey (used by the callback routes). */
  token: z.string().optional(),
  encodingAesKey: z.string().length(43).optional(),
});

const unionSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a union id is 1–64 characters of [A-Za-z0-9_-]'),
  openAppid: z.string().optional(),
  name: z.string().optional(),
});

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Trust X-Forwarded-For from a proxy in front of us. */
        trustProxy: z.boolean().default(false),
      })
      .prefault({}),
    /** Where generated keys (and the default SQLite file) live. */
    dataDir: z.string().default('./.weunion'),
    /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. Default: `sqlite:<dataDir>/weunion.db`. */
    storage: z
      .string()
      .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'storage is sqlite:<path> or postgres://…')
      .optional(),
    storagePoolSize: z.number().int().min(1).max(200).default(10),
    wechat: z
      .strictObject({
        /** WeChat's API host; the built-in emulator's URL in sandbox mode. */
        baseUrl: z.url().default('https://api.weixin.qq.com'),
        /** Run the built-in emulator in-process and point baseUrl at it (sandbox mode). */
        emulator: z
          .strictObject({
            port: z.number().int().min(0).max(65535).default(3001),
            unionidRule: z.enum(['current', 'legacy']).default('legacy'),
            rotateSessionKeyOnLogin: z.boolean().default(false),
          })
          .optional(),
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        tokenMode: z.enum(['stable', 'token']).default('stable'),
      })
      .prefault({}),
    unions: z.array(unionSchema).default([]),
    apps: z.array(appSchema).min(1, 'configure at least one app'),
    session: z
      .strictObject({
        ttlSeconds: z.number().int().min(60).max(30 * 86_400).default(7200),
        issuer: z.string().default('weunion'),
      })
      .prefault({}),
    userData: z
      .strictObject({
        /** How old (or how far in the future) a decrypted watermark may be. */
        maxAgeSeconds: z.number().int().min(10).default(600),
      })
      .prefault({}),
    /** Optional explicit keys; otherwise generated once and kept in `<dataDir>/keys.json`. */
    keys: z
      .strictObject({
        atRestKey: z.string().optional(),
        signingJwk: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((cfg, ctx) => {
    const unionIds = new Set<string>();
    cfg.unions.forEach((u, i) => {
      if (unionIds.has(u.id)) ctx.addIssue({ code: 'custom', path: ['unions', i, 'id'], message: `duplicate union id "${u.id}"` });
      unionIds.add(u.id);
    });
    const appids = new Set<string>();
    cfg.apps.forEach((a, i) => {
      if (appids.has(a.appid)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'appid'], message: `duplicate appid "${a.appid}"` });
      appids.add(a.appid);
      if (a.union !== null && !unionIds.has(a.union))
        ctx.addIssue({ code: 'custom', path: ['apps', i, 'union'], message: `unknown union "${a.union}" (declare it in unions[])` });
    });
  });

/** What a config file / object may say (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** The parsed, defaulted configuration. */
export type Config = z.output<typeof configSchema> & { storage: string };
export type AppConfig = Config['apps'][number];
export type UnionConfig = Config['unions'][number];
