import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSharedLock } from '../../src/cache/shared-lock.js';
import { type CacheBackend, cacheBackends, cleanRedis } from './cache-backends.js';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await cacheBackends())('createSharedLock() on %s', (_name, make) => {
  let b: CacheBackend;
  beforeEach(() => {
    b = make();
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(cleanRedis);

  it('runs fn under the lock one holder at a time across instances, and frees the key afterwards', async () => {
    const locks = [createSharedLock(b.cache, { pollMs: 5 }), createSharedLock(b.peer(), { pollMs: 5 })];
    let inside = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        locks[i % 2]!.run('L', async () => {
          most = Math.max(most, ++inside);
          await delay(5);
          inside--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(1);
    expect(await b.cache.get('L')).toBeUndefined();
  });

  it('stops waiting as soon as peek() sees a value, without running fn', async () => {
    const holder = createSharedLock(b.cache, { pollMs: 5 });
    const waiter = createSharedLock(b.peer(), { pollMs: 5 });
    let stored: string | undefined;
    let release!: () => void;
    const held = holder.run('L', () => new Promise<string>((r) => (release = () => r('mine'))));
    await delay(10);
    let waiterRan = false;
    const waited = waiter.run('L', async () => ((waiterRan = true), 'theirs'), { peek: () => stored });
    await delay(30);
    stored = 'published';
    expect(await waited).toBe('published');
    release();
    expect(await held).toBe('mine');
    expect(waiterRan).toBe(false);
  });

  it('frees the lock when fn throws, and passes the error on', async () => {
    const lock = createSharedLock(b.cache);
    await expect(lock.run('L', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await b.cache.get('L')).toBeUndefined();
    expect(await lock.run('L', async () => 'next')).toBe('next');
  });

  it('takes over a lock whose holder died once it expires', async () => {
    // A dead instance's lock: set, never released.
    expect(await b.cache.setIfAbsent('L', 'dead-owner', 200)).toBe(true);
    const lock = createSharedLock(b.peer(), { pollMs: 10, ttlMs: 5_000 });
    let ran = false;
    const p = lock.run('L', async () => ((ran = true), 'ok'));
    await delay(50);
    expect(ran).toBe(false);
    await b.advance(200);
    expect(await p).toBe('ok');
    expect(ran).toBe(true);
  });

  it('never releases a lock that is no longer its own (it expired and another caller took it)', async () => {
    const lock = createSharedLock(b.cache, { ttlMs: 100 });
    await lock.run('L', async () => {
      await b.advance(150);
      expect(await b.peer().setIfAbsent('L', 'next-owner', 60_000)).toBe(true);
    });
    expect(await b.cache.get('L')).toBe('next-owner');
  });

  it('gives up with ERR_WECHAT_TIMEOUT after waitMs', async () => {
    await b.cache.set('L', 'stuck-owner', 60_000);
    const lock = createSharedLock(b.peer(), { pollMs: 5, waitMs: 40 });
    await expect(lock.run('L', async () => 'never')).rejects.toMatchObject({ code: 'ERR_WECHAT_TIMEOUT' });
  });

  it('throws TypeError for a bad cache, option, key or fn', async () => {
    expect(() => createSharedLock({} as never)).toThrow(TypeError);
    for (const bad of [{ ttlMs: 0 }, { pollMs: -1 }, { waitMs: Number.NaN }]) expect(() => createSharedLock(b.cache, bad)).toThrow(TypeError);
    const lock = createSharedLock(b.cache);
    await expect(lock.run('', async () => 1)).rejects.toThrow(TypeError);
    await expect(lock.run('L', 5 as never)).rejects.toThrow(TypeError);
  });
});
