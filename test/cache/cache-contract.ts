/** The SharedCache contract: every backend runs these (memory-cache.test.ts, redis-cache.test.ts). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheBackend } from './cache-backends.js';

export function sharedCacheContract(make: () => CacheBackend): void {
  let b: CacheBackend;
  beforeEach(() => {
    b = make();
  });
  afterEach(async () => {
    await b.close();
  });

  describe('get() / set()', () => {
    it('get() returns undefined for a key never set, and what set() stored otherwise', async () => {
      expect(await b.cache.get('k')).toBeUndefined();
      await b.cache.set('k', 'v1', 60_000);
      expect(await b.cache.get('k')).toBe('v1');
      await b.cache.set('k', 'v2', 60_000);
      expect(await b.cache.get('k')).toBe('v2');
      expect(await b.cache.get('other')).toBeUndefined();
    });

    it('set() values disappear after their TTL', async () => {
      await b.cache.set('short', 'x', 100);
      await b.cache.set('long', 'y', 60_000);
      expect(await b.cache.get('short')).toBe('x');
      await b.advance(150);
      expect(await b.cache.get('short')).toBeUndefined();
      expect(await b.cache.get('long')).toBe('y');
    });

    it('keeps any string as is (empty, unicode, JSON, long)', async () => {
      const values = ['', 'é—中文 \u0000 \n', JSON.stringify({ a: [1, '2'] }), 'x'.repeat(100_000)];
      for (const [i, v] of values.entries()) await b.cache.set(`v${i}`, v, 60_000);
      for (const [i, v] of values.entries()) expect(await b.cache.get(`v${i}`)).toBe(v);
    });

    it('another instance sees what one stored', async () => {
      await b.cache.set('shared', 'from-a', 60_000);
      expect(await b.peer().get('shared')).toBe('from-a');
    });
  });

  describe('setIfAbsent()', () => {
    it('stores only when the key holds nothing, and again once the value expired', async () => {
      expect(await b.cache.setIfAbsent('lock', 'owner-1', 100)).toBe(true);
      expect(await b.cache.setIfAbsent('lock', 'owner-2', 100)).toBe(false);
      expect(await b.cache.get('lock')).toBe('owner-1');
      await b.advance(150);
      expect(await b.cache.setIfAbsent('lock', 'owner-2', 60_000)).toBe(true);
      expect(await b.cache.get('lock')).toBe('owner-2');
    });

    it('lets exactly one of 50 concurrent callers on two instances win', async () => {
      const peer = b.peer();
      const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? peer : b.cache).setIfAbsent('race', `o${i}`, 60_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await b.cache.get('race')).toBe(`o${wins.indexOf(true)}`);
    });
  });

  describe('compareAndDelete()', () => {
    it('deletes only when the key still holds exactly the expected value', async () => {
      await b.cache.set('k', 'B', 60_000);
      expect(await b.cache.compareAndDelete('k', 'A')).toBe(false);
      expect(await b.cache.compareAndDelete('k', 'B ')).toBe(false);
      expect(await b.cache.get('k')).toBe('B');
      expect(await b.cache.compareAndDelete('k', 'B')).toBe(true);
      expect(await b.cache.get('k')).toBeUndefined();
      expect(await b.cache.compareAndDelete('k', 'B')).toBe(false);
      expect(await b.cache.compareAndDelete('never', 'B')).toBe(false);
    });

    it('lets exactly one of 50 concurrent callers on two instances delete', async () => {
      await b.cache.set('k', 'T1', 60_000);
      const peer = b.peer();
      const deleted = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? peer : b.cache).compareAndDelete('k', 'T1')));
      expect(deleted.filter(Boolean)).toHaveLength(1);
    });

    it('does not delete an expired value that matched (it is gone already)', async () => {
      await b.cache.set('k', 'A', 100);
      await b.advance(150);
      expect(await b.cache.compareAndDelete('k', 'A')).toBe(false);
    });
  });

  describe('delete() / ping() / close()', () => {
    it('delete() removes a key and ignores a missing one', async () => {
      await b.cache.set('k', 'v', 60_000);
      await b.cache.delete('k');
      await b.cache.delete('k');
      expect(await b.cache.get('k')).toBeUndefined();
    });

    it('ping() resolves; close() can be called twice', async () => {
      await expect(b.cache.ping()).resolves.toBeUndefined();
      await b.cache.close();
      await b.cache.close();
    });
  });

  describe('misuse', () => {
    it('throws TypeError for an empty key, a non-string value and a TTL that is not > 0', async () => {
      await expect(b.cache.get('')).rejects.toThrow(TypeError);
      await expect(b.cache.set('k', 5 as never, 1000)).rejects.toThrow(TypeError);
      for (const ttl of [0, -1, Number.NaN, Infinity, '10' as never]) {
        await expect(b.cache.set('k', 'v', ttl)).rejects.toThrow(TypeError);
        await expect(b.cache.setIfAbsent('k', 'v', ttl)).rejects.toThrow(TypeError);
      }
      await expect(b.cache.compareAndDelete('k', undefined as never)).rejects.toThrow(TypeError);
      await expect(b.cache.delete(undefined as never)).rejects.toThrow(TypeError);
      expect(await b.cache.get('k')).toBeUndefined();
    });
  });
}
