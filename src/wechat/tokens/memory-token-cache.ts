/** In-process `TokenCache`: right for a single instance and for tests. */
import type { Clock } from '../../clock.js';
import type { CachedToken, TokenCache } from './token-cache.js';

/**
 * A Map-backed token cache; entries expire by the injected clock.
 * @example
 *   const cache = new MemoryTokenCache({ clock: systemClock });
 */
export class MemoryTokenCache implements TokenCache {
  readonly #entries = new Map<string, CachedToken>();
  readonly #clock: Clock;

  constructor(deps: { clock: Clock }) {
    if (typeof deps?.clock?.now !== 'function') throw new TypeError('MemoryTokenCache: deps.clock is required');
    this.#clock = deps.clock;
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry ? { ...entry } : undefined;
  }

  async set(key: string, entry: CachedToken): Promise<void> {
    this.#entries.set(key, { token: entry.token, expiresAt: entry.expiresAt, refreshAt: entry.refreshAt });
  }

  async compareAndDelete(key: string, token: string): Promise<boolean> {
    if (this.#entries.get(key)?.token !== token) return false;
    this.#entries.delete(key);
    return true;
  }
}
