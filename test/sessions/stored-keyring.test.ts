/**
 * The database's signing keys (0013) through the exported functions, on SQLite and PostgreSQL: signing reads the
 * database once per `refreshSeconds`, not per token; a rotation by another instance is followed (a token of a kid not
 * yet known triggers a read); old keys verify and stay in the JWKS until their tokens expired, then leave; the
 * configured key seeds an empty table (a keys.json key only then, a config key whenever it is new); a key sealed
 * with another at-rest key is refused with ERR_SIGNING_KEY_UNAVAILABLE.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { isAppError } from '../../src/errors.js';
import { createAtRestCipher } from '../../src/secrets/at-rest-cipher.js';
import { createSessionTokens } from '../../src/sessions/session-tokens.js';
import { kidOf } from '../../src/sessions/signing-key.js';
import { rotateSigningKey, seedSigningKey } from '../../src/sessions/signing-key-rotation.js';
import { createStoredKeyring } from '../../src/sessions/stored-keyring.js';
import type { OpenedStore } from '../../src/store/open-store.js';
import type { SigningKeyStore } from '../../src/store/port.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { type Backend, postgresBackend, sqliteBackend } from '../store/store-backends.js';

const TTL = 900;
const REFRESH = 30;
const claims = { userId: 'u_0123456789abcdefghijklmnop', appid: 'wx1111111111111111', openid: 'o-1', sessionId: 'sf_1' };
const kidOfToken = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const newJwk = async (): Promise<JWK> => exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
}

/** The real store, counting its reads of the keys. */
function counted(store: SigningKeyStore) {
  const counter = { reads: 0 };
  const wrapped: SigningKeyStore = {
    addSigningKey: (k, o) => store.addSigningKey(k, o),
    listSigningKeys: (o) => {
      counter.reads++;
      return store.listSigningKeys(o);
    },
  };
  return { store: wrapped, counter };
}

const pg = await postgresAvailable();
const backends: Array<[string, () => Promise<Backend>]> = [['sqlite', async () => sqliteBackend()]];
if (pg) backends.push(['postgres', postgresBackend]);

for (const [name, make] of backends) {
  describe(`signing keys in the database (${name})`, () => {
    let backend: Backend;
    let opened: OpenedStore;
    const cipher = createAtRestCipher(randomBytes(32));
    beforeAll(async () => {
      backend = await make();
    });
    afterEach(async () => {
      await opened?.close();
    });
    afterAll(async () => {
      await backend?.teardown();
    });

    /** An instance: a keyring over the shared store, and tokens over it. */
    async function instance(clock: ManualClock, store: SigningKeyStore = opened.store.signingKeys) {
      const keyring = createStoredKeyring({ store, cipher, clock, ttlSeconds: TTL, refreshSeconds: REFRESH });
      return createSessionTokens({ keyring, issuer: 'weunion', ttlSeconds: TTL, clock });
    }

    it('signs from the cache, follows a rotation made elsewhere, keeps old tokens verifying until they expire', async () => {
      opened = await backend.open();
      const clock = new ManualClock();
      const first = await newJwk();
      const deps = { store: opened.store.signingKeys, cipher, clock };
      expect(await seedSigningKey(deps, first, false)).toBe(true);
      const { store, counter } = counted(opened.store.signingKeys);
      const a = await instance(clock, store);
      const old = await a.issue(claims);
      for (let i = 0; i < 100; i++) await a.issue(claims);
      expect(counter.reads).toBe(1);
      expect(kidOfToken(old.token)).toBe(await kidOf(first));

      const { kid } = await rotateSigningKey(deps);
      const b = await instance(clock); // another instance, started after the rotation
      const fresh = await b.issue(claims);
      expect(kidOfToken(fresh.token)).toBe(kid);
      expect(kidOfToken((await a.issue(claims)).token)).toBe(await kidOf(first)); // a's read is still fresh
      clock.advance(2);
      // A token of a kid a does not know makes it read again before its REFRESH s are over.
      expect(await a.verify(fresh.token)).toEqual(claims);
      expect(counter.reads).toBe(2);
      expect(await a.verify(old.token)).toEqual(claims);
      expect(kidOfToken((await a.issue(claims)).token)).toBe(kid);
      expect((await a.jwks()).keys.map((k) => k.kid).sort()).toEqual([kid, await kidOf(first)].sort());
      expect(JSON.stringify(await a.jwks())).not.toMatch(/"d"/);

      // An instance may sign with the old key up to REFRESH s after it was retired: it stays TTL + REFRESH s.
      clock.advance(TTL + REFRESH - 3);
      expect((await a.jwks()).keys).toHaveLength(2);
      clock.advance(1);
      expect((await a.jwks()).keys.map((k) => k.kid)).toEqual([kid]);
      expect((await b.jwks()).keys.map((k) => k.kid)).toEqual([kid]);
      expect(await codeOf(a.verify(old.token))).toBe('ERR_AUTH_EXPIRED');
    });

    it('a rotation reaches an instance that signs only, within REFRESH s', async () => {
      opened = await backend.open();
      const clock = new ManualClock();
      const deps = { store: opened.store.signingKeys, cipher, clock };
      await seedSigningKey(deps, await newJwk(), false);
      const a = await instance(clock);
      const before = kidOfToken((await a.issue(claims)).token);
      const { kid } = await rotateSigningKey(deps);
      clock.advance(REFRESH - 1);
      expect(kidOfToken((await a.issue(claims)).token)).toBe(before);
      clock.advance(1);
      expect(kidOfToken((await a.issue(claims)).token)).toBe(kid);
    });

    it('refuses a token of a kid it does not know, reading the keys at most once a second for it', async () => {
      opened = await backend.open();
      const clock = new ManualClock();
      await seedSigningKey({ store: opened.store.signingKeys, cipher, clock }, await newJwk(), false);
      const { store, counter } = counted(opened.store.signingKeys);
      const a = await instance(clock, store);
      const stranger = await createSessionTokens({ signingJwk: await newJwk(), issuer: 'weunion', ttlSeconds: TTL, clock });
      const forged = (await stranger.issue(claims)).token;
      await a.issue(claims);
      clock.advance(2);
      for (let i = 0; i < 5; i++) expect(await codeOf(a.verify(forged))).toBe('ERR_AUTH_INVALID');
      expect(counter.reads).toBe(2);
    });

    it('seeds: a keys.json key only an empty table; a config key whenever it is new (then active), never twice', async () => {
      opened = await backend.open();
      const clock = new ManualClock();
      const deps = { store: opened.store.signingKeys, cipher, clock };
      const [fileKey, otherFileKey, configKey] = [await newJwk(), await newJwk(), await newJwk()];
      expect(await seedSigningKey(deps, fileKey, false)).toBe(true);
      expect(await seedSigningKey(deps, otherFileKey, false)).toBe(false);
      clock.advance(1);
      expect(await seedSigningKey(deps, configKey, true)).toBe(true);
      expect(await seedSigningKey(deps, configKey, true)).toBe(false);
      const rows = await opened.store.signingKeys.listSigningKeys();
      expect(rows.map((r) => [r.kid, r.retiredAt === null])).toEqual([
        [await kidOf(configKey), true],
        [await kidOf(fileKey), false],
      ]);
      // At rest: the private part is sealed, bound to its kid; the public part holds no `d`.
      for (const r of rows) {
        expect(r.privateJwkSealed).toMatch(/^v1\./);
        expect(r.privateJwkSealed).not.toContain(configKey.d);
        expect(JSON.parse(r.publicJwk)).not.toHaveProperty('d');
      }
      // A rotation after a restart is not undone by the same config key.
      const { kid } = await rotateSigningKey(deps);
      expect(await seedSigningKey(deps, configKey, true)).toBe(false);
      expect((await opened.store.signingKeys.listSigningKeys()).find((r) => r.retiredAt === null)?.kid).toBe(kid);
    });

    it('refuses to sign with a key sealed under another at-rest key (ERR_SIGNING_KEY_UNAVAILABLE)', async () => {
      opened = await backend.open();
      const clock = new ManualClock();
      await seedSigningKey({ store: opened.store.signingKeys, cipher: createAtRestCipher(randomBytes(32)), clock }, await newJwk(), false);
      const tokens = await instance(clock);
      expect(await codeOf(tokens.issue(claims))).toBe('ERR_SIGNING_KEY_UNAVAILABLE');
    });
  });
}
