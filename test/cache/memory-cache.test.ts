import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createMemoryCache } from '../../src/cache/memory-cache.js';
import { openCache } from '../../src/cache/open-cache.js';
import { cacheBackends } from './cache-backends.js';
import { sharedCacheContract } from './cache-contract.js';

const [memory] = await cacheBackends();

describe('createMemoryCache() (SharedCache contract)', () => {
  sharedCacheContract(memory![1]);
});

describe('createMemoryCache()', () => {
  it('expires entries by the injected clock, not by wall time', async () => {
    const clock = new ManualClock({ now: () => Date.UTC(2025, 0, 1) });
    const cache = createMemoryCache({ clock });
    await cache.set('k', 'v', 10_000);
    expect(await cache.setIfAbsent('lock', 'a', 10_000)).toBe(true);
    clock.advance(9.999);
    expect(await cache.get('k')).toBe('v');
    expect(await cache.setIfAbsent('lock', 'b', 10_000)).toBe(false);
    clock.advance(0.001);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.setIfAbsent('lock', 'b', 10_000)).toBe(true);
  });

  it('throws TypeError without a clock', () => {
    expect(() => createMemoryCache({} as never)).toThrow(TypeError);
  });
});

describe("openCache('memory')", () => {
  it('opens a memory cache on the given clock', async () => {
    const clock = new ManualClock({ now: () => 0 });
    const cache = openCache('memory', { clock });
    expect(cache.kind).toBe('memory');
    expect(cache.redis).toBeUndefined();
    await cache.set('k', 'v', 1000);
    clock.advance(1);
    expect(await cache.get('k')).toBeUndefined();
    await cache.close();
  });

  it('throws TypeError for anything but memory or redis(s)://, and without a clock', () => {
    const clock = new ManualClock();
    for (const url of ['', 'mem', 'http://x', 'redis:/x', 5 as never]) expect(() => openCache(url, { clock })).toThrow(TypeError);
    expect(() => openCache('memory', {} as never)).toThrow(TypeError);
  });
});
