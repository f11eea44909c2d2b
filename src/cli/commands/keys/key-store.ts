/**
 * What the `weunion keys` commands run on: the configured store (behind the schema guard) and the at-rest cipher of
 * the deployment's keys, with the configured signing key seeded as `weunion start` seeds it — so `keys list` before
 * any start shows the key the instances will use, and `keys rotate` on a fresh database retires it properly.
 */
import { loadOrCreateDataKeys } from '../../../config/data-keys.js';
import type { Config } from '../../../config/schema.js';
import { systemClock } from '../../../clock.js';
import { createAtRestCipher } from '../../../secrets/at-rest-cipher.js';
import { seedSigningKey, type KeyRotationDeps } from '../../../sessions/signing-key-rotation.js';
import type { SigningKeyStore } from '../../../store/port.js';
import { openDataContext } from '../../data-context.js';
import type { CliContext } from '../command.js';

export interface KeyStore extends KeyRotationDeps {
  config: Config;
  store: SigningKeyStore;
}

export async function withKeyStore(ctx: CliContext, fn: (keys: KeyStore) => Promise<number>): Promise<number> {
  const data = await openDataContext(ctx);
  try {
    const dataKeys = await loadOrCreateDataKeys(data.config);
    const keys: KeyStore = { config: data.config, store: data.opened.store.signingKeys, cipher: createAtRestCipher(dataKeys.atRestKey), clock: systemClock };
    await seedSigningKey(keys, dataKeys.signingJwk, dataKeys.signingJwkFromConfig);
    return await fn(keys);
  } finally {
    await data.close();
  }
}
