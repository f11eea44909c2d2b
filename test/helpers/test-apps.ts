/**
 * The deployment the flow and route tests run against: one union (`acme`), an app of every kind, and the keys given
 * in the config (so nothing is written to a data folder). Storage is in-memory SQLite.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { exportJWK, generateKeyPair } from 'jose';
import { parseConfig } from '../../src/config/load-config.js';
import type { AppConfig, Config } from '../../src/config/schema.js';

export const UNION = 'acme';
/** The official account's callback Token, EncodingAESKey and original id (the ToUserName of its pushes). */
export const TOKEN = 'testtoken';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const GH = 'gh_test00000001';
/** The page the browser logins may send the person back to (the OAuth apps' redirectAllowList). */
export const ALLOWED_REDIRECT = 'https://shop.example/login';

export const APPS = {
  /** A mini program bound to the union. */
  mp: 'wxtest00000000mp01',
  /** A mini program bound to no union: no unionid, ever. */
  mpUnbound: 'wxtest0000000mpu01',
  /** An official account of the union, with a Token and an EncodingAESKey, in plain mode (takes plain and encrypted pushes). */
  oa: 'wxtest0000000oa01',
  /** An official account bound to no union, with a Token only. */
  oaPlain: 'wxtest0000000oa02',
  /** A website app (QR login) of the union. */
  web: 'wxtest0000000web01',
  /** A mobile app of the union. */
  mobile: 'wxtest0000000app01',
} as const;

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const KEYS = { atRestKey: randomBytes(32).toString('base64'), signingJwk: JSON.stringify(await exportJWK(privateKey)) };

/**
 * The parsed config, optionally changed by `configure` (e.g. a shorter TTL).
 * @example
 *   const config = testConfig((c) => ({ ...c, flows: { ...c.flows, loginCodeTtlSeconds: 10 } }));
 */
export function testConfig(configure: (c: Config) => Config = (c) => c): Config {
  return configure(
    parseConfig({
      storage: 'sqlite::memory:',
      dataDir: tmpdir(), // never written: the keys are given
      keys: KEYS,
      // Tests fire many logins from one address: the limits have their own tests (test/server/plugins/rate-limit.test.ts).
      rateLimit: { perIpPerMinute: 1_000_000, perAppPerMinute: 1_000_000 },
      jobs: { pollMs: 1000, maxAttempts: 3, concurrency: 2 },
      unions: [{ id: UNION }],
      apps: [
        { appid: APPS.mp, secret: 'secret-mp', kind: 'miniprogram', union: UNION },
        { appid: APPS.mpUnbound, secret: 'secret-mpu', kind: 'miniprogram', union: null },
        {
          appid: APPS.oa,
          secret: 'secret-oa',
          kind: 'officialAccount',
          union: UNION,
          token: TOKEN,
          encodingAesKey: AES_KEY,
          originalId: GH,
          callbackMode: 'plain',
          redirectAllowList: [ALLOWED_REDIRECT],
        },
        { appid: APPS.oaPlain, secret: 'secret-oa2', kind: 'officialAccount', union: null, token: TOKEN },
        { appid: APPS.web, secret: 'secret-web', kind: 'website', union: UNION, redirectAllowList: [ALLOWED_REDIRECT] },
        { appid: APPS.mobile, secret: 'secret-app', kind: 'mobile', union: UNION },
      ],
    }),
  );
}

/** The configured app `appid` (throws for one the config does not have: a mistake of the test). */
export function appOf(config: Pick<Config, 'apps'>, appid: string): AppConfig {
  const app = config.apps.find((a) => a.appid === appid);
  if (!app) throw new Error(`no app ${appid} in the test config`);
  return app;
}
