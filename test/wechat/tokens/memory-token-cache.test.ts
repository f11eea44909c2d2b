import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { MemoryTokenCache } from '../../../src/wechat/tokens/memory-token-cache.js';

const t0 = Date.UTC(2025, 0, 1);

describe('MemoryTokenCache', () => {
  it('get() returns what set() stored until expiresAt, then undefined', async () => {
    const clock = new ManualClock({ now: () => t0 });
    const cache = new MemoryTokenCache({ clock });
    await cache.set('k', { token: 'A', expiresAt: t0 + 10_000, refreshAt: t0 + 5_000 });
    expect(await cache.get('k')).toEqual({ token: 'A', expiresAt: t0 + 10_000, refreshAt: t0 + 5_000 });
    clock.advance(9.999);
    expect((await cache.get('k'))?.token).toBe('A');
    clock.advance(0.001);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.get('other')).toBeUndefined();
  });

  it('compareAndDelete() deletes only when the token still matches', async () => {
    const cache = new MemoryTokenCache({ clock: { now: () => t0 } });
    await cache.set('k', { token: 'B', expiresAt: t0 + 10_000, refreshAt: t0 + 5_000 });
    expect(await cache.compareAndDelete('k', 'A')).toBe(false);
    expect((await cache.get('k'))?.token).toBe('B');
    expect(await cache.compareAndDelete('k', 'B')).toBe(true);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.compareAndDelete('k', 'B')).toBe(false);
  });

  it('returns copies, so callers cannot change the stored entry', async () => {
    const cache = new MemoryTokenCache({ clock: { now: () => t0 } });
    const entry = { token: 'A', expiresAt: t0 + 10_000, refreshAt: t0 + 5_000 };
    await cache.set('k', entry);
    entry.token = 'X';
    (await cache.get('k'))!.token = 'Y';
    expect((await cache.get('k'))?.token).toBe('A');
  });

  it('throws TypeError without a clock', () => {
    expect(() => new MemoryTokenCache({} as never)).toThrow(TypeError);
  });
});
