/**
 * The signing keys every instance shares, read from the database (0013) and cached, so that signing — on every
 * login's path — never waits on the database except once per `refreshSeconds` (one small indexed read, shared by the
 * logins that arrive meanwhile). That read is how an instance picks up `weunion keys rotate` run elsewhere; a token
 * naming a kid this instance does not know yet (signed by an instance that already rotated) also triggers it, at most
 * once a second, so a forged kid cannot turn every request into a database read.
 *
 * A retired key keeps verifying, and stays in the JWKS, for the access-token lifetime plus `refreshSeconds` after it
 * was retired: an instance may sign with it until its next read, and such a token lives `ttlSeconds`.
 */
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { AtRestCipher } from '../secrets/at-rest-cipher.js';
import type { SigningKeyRow, SigningKeyStore } from '../store/port.js';
import { prepareSigningKey, prepareVerifyingKey, type SigningKey, type VerifyingKey } from './signing-key.js';
import { signingKeyAad } from './signing-key-rotation.js';
import type { SigningKeyring } from './signing-keyring.js';

export interface StoredKeyringOptions {
  store: Pick<SigningKeyStore, 'listSigningKeys'>;
  cipher: Pick<AtRestCipher, 'open'>;
  clock: Clock;
  /** The access-token lifetime (`session.ttlSeconds`). */
  ttlSeconds: number;
  /** How long the keys read are used before they are read again (`session.keyCacheSeconds`). */
  refreshSeconds: number;
}

interface Known {
  key: VerifyingKey;
  retiredAt: number | null;
}

interface Loaded {
  at: number;
  signing: SigningKey;
  known: Map<string, Known>;
}

const UNKNOWN_KID_RELOAD_MS = 1000;

export function createStoredKeyring(options: StoredKeyringOptions): SigningKeyring {
  const { store, cipher, clock } = options;
  const refreshMs = options.refreshSeconds * 1000;
  const keepMs = (options.ttlSeconds + options.refreshSeconds) * 1000;
  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;

  async function openSigningKey(row: SigningKeyRow): Promise<SigningKey> {
    const text = cipher.open(row.privateJwkSealed, signingKeyAad(row.kid));
    const key = text === null ? undefined : await prepareSigningKey(JSON.parse(text) as JWK).catch(() => undefined);
    if (key?.kid !== row.kid) {
      throw new AppError('ERR_SIGNING_KEY_UNAVAILABLE', {
        message: `the active signing key ${row.kid} does not open with this instance's at-rest key (keys.atRestKey must be the same on every instance)`,
      });
    }
    return key;
  }

  async function load(): Promise<Loaded> {
    const now = clock.now();
    const rows = await store.listSigningKeys({ retiredAfter: now - keepMs });
    const active = rows.find((r) => r.retiredAt === null);
    if (!active) throw new AppError('ERR_SIGNING_KEY_UNAVAILABLE', { message: 'the database holds no active signing key (run `weunion keys rotate`)' });
    const signing = loaded?.signing.kid === active.kid ? loaded.signing : await openSigningKey(active);
    const known = new Map<string, Known>();
    for (const row of rows) {
      const key = row.kid === signing.kid ? signing : (loaded?.known.get(row.kid)?.key ?? (await prepareVerifyingKey(JSON.parse(row.publicJwk) as JWK)));
      known.set(row.kid, { key, retiredAt: row.retiredAt });
    }
    return { at: now, signing, known };
  }

  /** The keys, read again when older than `refreshSeconds` (or when `force`d), one read at a time. */
  async function current(force = false): Promise<Loaded> {
    if (loaded && !force && clock.now() - loaded.at < refreshMs) return loaded;
    loading ??= load()
      .then((next) => (loaded = next))
      .catch((e: unknown) => {
        // The database is unreachable for a moment: keep signing with the keys already read (the login that needs
        // the database fails on its own); the next request tries again. Without keys there is nothing to sign with.
        if (!loaded || (e instanceof AppError && e.code === 'ERR_SIGNING_KEY_UNAVAILABLE')) throw e;
        return loaded;
      })
      .finally(() => (loading = undefined));
    return loading;
  }

  const usable = (k: Known, now: number) => k.retiredAt === null || k.retiredAt + keepMs > now;

  return Object.freeze({
    async signingKey() {
      return (await current()).signing;
    },
    async verifyingKey(kid: string | undefined) {
      let keys = await current();
      if (kid === undefined) return keys.signing;
      if (!keys.known.has(kid) && clock.now() - keys.at >= UNKNOWN_KID_RELOAD_MS) keys = await current(true);
      const k = keys.known.get(kid);
      return k && usable(k, clock.now()) ? k.key : undefined;
    },
    async publicJwks() {
      const keys = await current();
      const now = clock.now();
      return [...keys.known.values()].filter((k) => usable(k, now)).map((k) => k.key.publicJwk);
    },
  });
}
