/**
 * The one typed configuration of a weunion deployment. Parsed once at the entry point (`load-config.ts`) and passed
 * down; nothing reads the environment after that. Every field has a default except the apps and unions.
 */
import { z } from 'zod';
import { adminSchema } from './admin-keys.js';
import { trustProxySchema } from './trust-proxy.js';
import { webhooksSchema } from './webhooks-schema.js';

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
  token: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/, 'a callback Token is 3–32 letters or digits')
    .optional(),
  encodingAesKey: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'an EncodingAESKey is 43 letters or digits')
    .optional(),
  /** The EncodingAESKey before the last rotation: still accepted while WeChat switches over. */
  previousEncodingAesKey: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'an EncodingAESKey is 43 letters or digits')
    .optional(),
  /**
   * Official accounts: the message mode set in the console (明文/兼容/安全). Default `safe` when an encodingAesKey is
   * configured, else `plain`. In compatible and safe mode an unencrypted push is refused: its signature does not
   * cover the body, so accepting one would let anyone who saw a single signed URL post any XML.
   */
  callbackMode: z.enum(['plain', 'compatible', 'safe']).optional(),
  /** Official accounts: the original id (`gh_…`), the ToUserName of pushes. */
  originalId: z.string().optional(),
  /** Where OAuth / QR logins may send the browser back to: URL prefixes (scheme + host [+ path]). */
  redirectAllowList: z.array(z.url()).default([]),
  /**
   * Mini programs: treat a unionid decrypted from this app's encryptedData as WeChat's own word, so it may join and
   * merge users. Off by default: whoever holds this app's AppSecret can seal data naming anyone's unionid
   * (docs/design.md "Whose word a unionid is"); turn it on only for apps whose secret you guard like the others'.
   */
  trustDecryptedUnionid: z.boolean().default(false),
  /** An outside system that owns this app's access_token: GET it, answer `{ access_token, expires_in }`. */
  accessTokenUrl: z.url().optional(),
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
        /** Which proxies may say who the client is (X-Forwarded-For): false, a hop count or addresses (trust-proxy.ts). */
        trustProxy: trustProxySchema.default(false),
        /**
         * A request's headers and body must have arrived this long after it began, or it is answered 408 and its
         * connection closed (a body trickled byte by byte would otherwise hold a socket for ever).
         */
        requestTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
        /**
         * Open connections per peer address; the next one is answered 429 and closed. 0 = no cap. Behind a proxy
         * every connection comes from the proxy's address: raise it above the proxy's upstream connections (or set 0)
         * and cap clients at the proxy.
         */
        maxConnectionsPerIp: z.number().int().min(0).max(1_000_000).default(256),
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
    /**
     * Applying migrations at start: `auto` migrates (the default for SQLite, the embedded single-instance case);
     * `check` refuses to start on an unmigrated or newer schema (the default for PostgreSQL: run `weunion migrate`).
     */
    migrations: z.enum(['auto', 'check']).optional(),
    /** `memory` (one instance) or `redis://…` (shared by every instance: access tokens, locks, single flights, rate limits). */
    cache: z
      .string()
      .regex(/^(memory|rediss?:\/\/.+)$/, 'cache is "memory" or redis://…')
      .default('memory'),
    rateLimit: z
      .strictObject({
        /** Login-route requests per client IP per minute. */
        perIpPerMinute: z.number().int().min(1).default(120),
        /** Login-route requests per appid per minute, across all clients. */
        perAppPerMinute: z.number().int().min(1).default(20_000),
      })
      .prefault({}),
    /**
     * `GET <path>` in Prometheus text format (server/plugins/metrics.ts). Off by default. When on, it answers only a
     * request with `Authorization: Bearer <token>` if a token is set, and otherwise only loopback clients (a
     * scraper on the same host or pod): the figures name apps and routes and must not face the public unasked.
     */
    metrics: z
      .strictObject({
        enabled: z.boolean().default(false),
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9/_.-]{1,100}$/, 'a path such as /metrics')
          .default('/metrics'),
        token: z.string().min(16, 'a metrics token is at least 16 characters').optional(),
      })
      .prefault({}),
    wechat: z
      .strictObject({
        /** WeChat's API host; the built-in emulator's URL in sandbox mode. */
        baseUrl: z.url().default('https://api.weixin.qq.com'),
        /** Run the built-in emulator in-process and point baseUrl at it (sandbox mode). */
        emulator: z
          .strictObject({
            port: z.number().int().min(0).max(65535).default(3001),
            /**
             * Where the emulator listens. Loopback by default: its control API is unauthenticated (it moves the clock
             * every session shares, and reads back what it fetched), so it must not face a network unless told so.
             */
            host: z.string().default('127.0.0.1'),
            unionidRule: z.enum(['current', 'legacy']).default('legacy'),
            rotateSessionKeyOnLogin: z.boolean().default(false),
          })
          .optional(),
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        tokenMode: z.enum(['stable', 'token']).default('stable'),
        /** Where browsers are sent for OAuth consent and QR login pages (the emulator's URL in sandbox mode). */
        openBaseUrl: z.url().default('https://open.weixin.qq.com'),
        /** Where parameterised QR code images are shown (`showqrcode?ticket=`). */
        mpBaseUrl: z.url().default('https://mp.weixin.qq.com'),
      })
      .prefault({}),
    /** This service's own public URL (OAuth redirect_uri and the official-account callback are built from it). */
    publicUrl: z.url().optional(),
    flows: z
      .strictObject({
        oauthStateTtlSeconds: z.number().int().min(30).max(3600).default(600),
        loginCodeTtlSeconds: z.number().int().min(10).max(600).default(60),
        qrLoginTtlSeconds: z.number().int().min(30).max(2_592_000).default(300),
        /** Scan-to-follow logins: long polls and event streams one instance holds at once, and per client IP. */
        qrLoginMaxWaiters: z.number().int().min(1).max(100_000).default(1000),
        qrLoginMaxWaitersPerIp: z.number().int().min(1).max(10_000).default(10),
        /** How often a waiting poll re-reads the store when no wake-up came (a missed one, or no shared cache). */
        qrLoginRecheckMs: z.number().int().min(100).max(60_000).default(2000),
      })
      .prefault({}),
    callback: z
      .strictObject({
        /** Pushes whose timestamp is further than this from now are refused as replays. */
        timestampWindowSeconds: z.number().int().min(10).max(3600).default(300),
        bodyLimitBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
      })
      .prefault({}),
    jobs: z
      .strictObject({
        pollMs: z.number().int().min(10).max(60_000).default(500),
        leaseMs: z.number().int().min(1000).max(600_000).default(30_000),
        maxAttempts: z.number().int().min(1).max(100).default(8),
        concurrency: z.number().int().min(1).max(64).default(4),
      })
      .prefault({}),
    unions: z.array(unionSchema).default([]),
    apps: z.array(appSchema).min(1, 'configure at least one app'),
    session: z
      .strictObject({
        ttlSeconds: z
          .number()
          .int()
          .min(60)
          .max(30 * 86_400)
          .default(900),
        issuer: z.string().default('weunion'),
        /** How long a refresh token stays usable after it was issued (each refresh issues a new one). Default 30 days. */
        refreshTtlSeconds: z
          .number()
          .int()
          .min(300)
          .max(365 * 86_400)
          .default(30 * 86_400),
        /**
         * How long an instance signs with the signing key it read from the database before reading again: how soon it
         * follows `weunion keys rotate` run elsewhere (sessions/stored-keyring.ts). Default 30 s.
         */
        keyCacheSeconds: z.number().int().min(1).max(3600).default(30),
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
        /** Start even when `<dataDir>/keys.json` may be read or written by group or others (refused by default). */
        allowLooseKeysFile: z.boolean().optional(),
      })
      .optional(),
    /** Where events go out (docs/events.md): signed webhooks per union. */
    webhooks: webhooksSchema.prefault({}),
    /** Admin API keys (config/admin-keys.ts, docs/admin.md). */
    admin: adminSchema,
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
    cfg.webhooks.endpoints.forEach((e, i) => {
      if (!unionIds.has(e.union))
        ctx.addIssue({ code: 'custom', path: ['webhooks', 'endpoints', i, 'union'], message: `unknown union "${e.union}" (declare it in unions[])` });
    });
    cfg.admin.keys.forEach((k, i) => {
      if (k.union !== undefined && !unionIds.has(k.union))
        ctx.addIssue({ code: 'custom', path: ['admin', 'keys', i, 'union'], message: `unknown union "${k.union}" (declare it in unions[])` });
    });
  });

/** What a config file / object may say (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** The parsed, defaulted configuration. */
export type Config = z.output<typeof configSchema> & { storage: string };
export type AppConfig = Config['apps'][number];
export type UnionConfig = Config['unions'][number];
