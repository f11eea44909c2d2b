/**
 * The JobStore contract, run on SQLite and PostgreSQL. `open` returns an empty, migrated store; `openPeer`, when
 * the backend can share data, a second store (another pool: "another instance") on the same database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRow, WeunionStore } from '../../src/store/port.js';

const T0 = 1_800_000_000_123;
const LEASE = 30_000;

export function jobStoreContract(open: () => Promise<WeunionStore>, openPeer?: () => Promise<WeunionStore>): void {
  describe('JobStore contract', () => {
    let store: WeunionStore;
    let peer: WeunionStore;
    beforeEach(async () => {
      store = await open();
      peer = openPeer ? await openPeer() : store;
    });
    afterEach(async () => {
      if (peer !== store) await peer.close();
      await store.close();
    });

    const enqueue = (n: number, extra: { runAt?: number; kind?: string } = {}) =>
      Promise.all(Array.from({ length: n }, (_, i) => store.jobs.enqueueJob({ kind: extra.kind ?? 'test', payload: { i }, runAt: extra.runAt ?? T0 + i })));

    it('deleteDoneJobs() deletes only done jobs finished before the cut-off; a deleted dedup key can be used again', async () => {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((k) => store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0, dedupKey: k, now: T0 })));
      const claimed = await store.jobs.claimJobs({ now: T0, limit: 3, leaseMs: LEASE });
      expect(claimed).toHaveLength(3);
      await store.jobs.completeJob(a!.id, T0 + 10);
      await store.jobs.completeJob(b!.id, T0 + 5000);
      await store.jobs.failJob(c!.id, { now: T0 + 10, error: 'x', retryAt: null });
      expect(await store.jobs.deleteDoneJobs(T0 + 1000)).toBe(1);
      expect(await store.jobs.findJob(a!.id)).toBeUndefined();
      expect((await store.jobs.findJob(b!.id))?.status).toBe('done');
      expect((await store.jobs.findJob(c!.id))?.status).toBe('failed');
      expect((await store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0, dedupKey: 'a', now: T0 })).inserted).toBe(true);
    });

    it('enqueueJob() inserts a pending job that findJob() reads back whole', async () => {
      const { id, inserted } = await store.jobs.enqueueJob({
        kind: 'oa.lookup',
        payload: { appid: 'wxOA', n: 1, deep: { ok: true } },
        runAt: T0 + 10,
        now: T0,
      });
      expect(inserted).toBe(true);
      expect(typeof id).toBe('string');
      expect(await store.jobs.findJob(id)).toEqual({
        id,
        kind: 'oa.lookup',
        payload: { appid: 'wxOA', n: 1, deep: { ok: true } },
        status: 'pending',
        attempts: 0,
        runAt: T0 + 10,
        lockedUntil: null,
        lastError: null,
        dedupKey: null,
        createdAt: T0,
        updatedAt: T0,
      } satisfies JobRow);
      expect(await store.jobs.findJob('999999')).toBeUndefined();
      expect(await store.jobs.findJob('not-an-id')).toBeUndefined();
    });

    it('enqueueJob() with a dedupKey already present inserts nothing and returns the existing id, whatever its status', async () => {
      const first = await store.jobs.enqueueJob({ kind: 'test', payload: { n: 1 }, runAt: T0, dedupKey: 'msg:1' });
      const again = await store.jobs.enqueueJob({ kind: 'test', payload: { n: 2 }, runAt: T0, dedupKey: 'msg:1' });
      expect(again).toEqual({ id: first.id, inserted: false });
      expect((await store.jobs.findJob(first.id))?.payload).toEqual({ n: 1 });
      const [claimed] = await store.jobs.claimJobs({ now: T0, limit: 1, leaseMs: LEASE });
      await store.jobs.completeJob(claimed!.id, T0);
      expect(await store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0, dedupKey: 'msg:1' })).toEqual({ id: first.id, inserted: false });
      // Without a key (null or absent) nothing is deduplicated.
      const a = await store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0, dedupKey: null });
      const b = await store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0 });
      expect(a.id).not.toBe(b.id);
      expect(await store.jobs.jobCounts()).toEqual({ pending: 2, running: 0, done: 1, failed: 0 });
    });

    it('enqueueJob() of one dedupKey from 20 concurrent callers on two instances inserts exactly one job', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? peer : store).jobs.enqueueJob({ kind: 'test', payload: { i }, runAt: T0, dedupKey: 'push:o1:123:subscribe' }),
        ),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect((await store.jobs.jobCounts()).pending).toBe(1);
    });

    it('enqueueJob() bursts from two instances, the same keys in opposite orders, insert each key once (grouped commits, no deadlock)', async () => {
      const keys = Array.from({ length: 60 }, (_, i) => `oa:wx:msg:${i}`);
      const burst = (s: WeunionStore, ks: string[]) => ks.map((k) => s.jobs.enqueueJob({ kind: 'test', payload: { k }, runAt: T0, dedupKey: k }));
      const results = await Promise.all([...burst(store, keys), ...burst(peer, [...keys].reverse()), ...burst(store, keys.slice(0, 10))]);
      const byKey = new Map<string, Array<{ id: string; inserted: boolean }>>();
      const all = [...keys, ...[...keys].reverse(), ...keys.slice(0, 10)];
      for (const [i, r] of results.entries()) byKey.set(all[i]!, [...(byKey.get(all[i]!) ?? []), r]);
      for (const [key, rs] of byKey) {
        expect(
          rs.filter((r) => r.inserted),
          key,
        ).toHaveLength(1);
        expect(new Set(rs.map((r) => r.id)).size, key).toBe(1);
      }
      expect((await store.jobs.jobCounts()).pending).toBe(60);
      const job = await store.jobs.findJob(byKey.get('oa:wx:msg:7')![0]!.id);
      expect(job).toMatchObject({ kind: 'test', status: 'pending', attempts: 0, runAt: T0 });
    });

    it('enqueueJob() keeps an accepted job when another job of the same burst is refused', async () => {
      const ok = store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0, dedupKey: 'fine-1' });
      const bad = store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: Number.MAX_SAFE_INTEGER * 4, dedupKey: 'bad' });
      const ok2 = store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0, dedupKey: 'fine-2' });
      await expect(bad).rejects.toThrow(TypeError); // refused before the batch
      expect((await ok).inserted).toBe(true);
      expect((await ok2).inserted).toBe(true);
      expect((await store.jobs.jobCounts()).pending).toBe(2);
    });

    it('enqueueJob() throws a TypeError for a bad kind, payload, runAt or dedupKey', async () => {
      await expect(store.jobs.enqueueJob({ kind: '', payload: {}, runAt: T0 })).rejects.toThrow(TypeError);
      await expect(store.jobs.enqueueJob({ kind: 'k', payload: [] as unknown as Record<string, unknown>, runAt: T0 })).rejects.toThrow(TypeError);
      await expect(store.jobs.enqueueJob({ kind: 'k', payload: {}, runAt: 1.5 })).rejects.toThrow(TypeError);
      await expect(store.jobs.enqueueJob({ kind: 'k', payload: {}, runAt: T0, dedupKey: '' })).rejects.toThrow(TypeError);
      // A payload JSON cannot hold is a rejected promise (not a synchronous throw), and nothing is written.
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const payload of [{ n: 1n }, cyclic]) {
        let result: Promise<unknown> | undefined;
        expect(() => (result = store.jobs.enqueueJob({ kind: 'k', payload, runAt: T0 }))).not.toThrow();
        await expect(result).rejects.toThrow(TypeError);
      }
      expect((await store.jobs.jobCounts()).pending).toBe(0);
    });

    it('claimJobs() claims due pending jobs oldest first, up to limit: running, leased, attempts + 1', async () => {
      const [j0, j1, j2] = await enqueue(3);
      await store.jobs.enqueueJob({ kind: 'test', payload: {}, runAt: T0 + 1000 }); // not due yet
      const claimed = await store.jobs.claimJobs({ now: T0 + 5, limit: 2, leaseMs: LEASE });
      expect(claimed.map((j) => j.id)).toEqual([j0!.id, j1!.id]);
      expect(claimed[0]).toMatchObject({ status: 'running', attempts: 1, lockedUntil: T0 + 5 + LEASE, updatedAt: T0 + 5, payload: { i: 0 } });
      expect(await store.jobs.findJob(j0!.id)).toEqual(claimed[0]);
      const rest = await store.jobs.claimJobs({ now: T0 + 5, limit: 10, leaseMs: LEASE });
      expect(rest.map((j) => j.id)).toEqual([j2!.id]);
      expect(await store.jobs.claimJobs({ now: T0 + 5, limit: 10, leaseMs: LEASE })).toEqual([]);
      expect(await store.jobs.jobCounts()).toEqual({ pending: 1, running: 3, done: 0, failed: 0 });
    });

    it('claimJobs() with kinds claims only those kinds; an empty list claims nothing', async () => {
      await store.jobs.enqueueJob({ kind: 'a', payload: {}, runAt: T0 });
      const b = await store.jobs.enqueueJob({ kind: 'b', payload: {}, runAt: T0 });
      expect(await store.jobs.claimJobs({ now: T0, limit: 10, leaseMs: LEASE, kinds: [] })).toEqual([]);
      expect((await store.jobs.claimJobs({ now: T0, limit: 10, leaseMs: LEASE, kinds: ['b', 'c'] })).map((j) => j.id)).toEqual([b.id]);
      expect((await store.jobs.claimJobs({ now: T0, limit: 10, leaseMs: LEASE })).map((j) => j.kind)).toEqual(['a']);
    });

    it('claimJobs() claims a running job again once its lease ran out (its worker died), not before', async () => {
      const [job] = await enqueue(1);
      await store.jobs.claimJobs({ now: T0, limit: 1, leaseMs: LEASE });
      expect(await peer.jobs.claimJobs({ now: T0 + LEASE - 1, limit: 5, leaseMs: LEASE })).toEqual([]);
      const again = await peer.jobs.claimJobs({ now: T0 + LEASE, limit: 5, leaseMs: LEASE });
      expect(again).toMatchObject([{ id: job!.id, status: 'running', attempts: 2, lockedUntil: T0 + 2 * LEASE }]);
      // The dead worker's late outcome is fenced off by its attempt number.
      expect(await store.jobs.completeJob(job!.id, T0 + LEASE + 1, { attempt: 1 })).toBe(false);
      expect(await store.jobs.failJob(job!.id, { now: T0 + LEASE + 1, error: 'late', retryAt: null, attempt: 1 })).toBe(false);
      expect((await store.jobs.findJob(job!.id))?.status).toBe('running');
      expect(await peer.jobs.completeJob(job!.id, T0 + LEASE + 2, { attempt: 2 })).toBe(true);
      expect(await store.jobs.findJob(job!.id)).toMatchObject({ status: 'done', lockedUntil: null, updatedAt: T0 + LEASE + 2 });
    });

    it('claimJobs() from 5 concurrent claimers over two instances hands each of 50 jobs out exactly once', async () => {
      const jobs = await enqueue(50, { runAt: T0 });
      const claimers = Array.from({ length: 5 }, async (_, c) => {
        const mine: string[] = [];
        for (;;) {
          const got = await (c % 2 ? peer : store).jobs.claimJobs({ now: T0 + 1, limit: 3, leaseMs: LEASE });
          if (got.length === 0) return mine;
          mine.push(...got.map((j) => j.id));
        }
      });
      const perClaimer = await Promise.all(claimers);
      const all = perClaimer.flat();
      expect(all).toHaveLength(50);
      expect(new Set(all)).toEqual(new Set(jobs.map((j) => j.id)));
      expect(await store.jobs.jobCounts()).toEqual({ pending: 0, running: 50, done: 0, failed: 0 });
      for (const id of all) expect((await store.jobs.findJob(id))?.attempts).toBe(1);
    });

    it('claimJobs() with one big batch per claimer, 5 at once, never hands one job to two claimers', async () => {
      const jobs = await enqueue(50, { runAt: T0 });
      const batches = await Promise.all(Array.from({ length: 5 }, (_, c) => (c % 2 ? peer : store).jobs.claimJobs({ now: T0, limit: 20, leaseMs: LEASE })));
      const all = batches.flat().map((j) => j.id);
      expect(new Set(all).size).toBe(all.length);
      // Rows skipped as locked may leave a few for the next poll, but nothing is lost.
      const rest = await store.jobs.claimJobs({ now: T0, limit: 50, leaseMs: LEASE });
      expect(new Set([...all, ...rest.map((j) => j.id)])).toEqual(new Set(jobs.map((j) => j.id)));
      expect(all.length + rest.length).toBe(50);
    });

    it('completeJob() marks a running job done; a job not running is left alone', async () => {
      const [job] = await enqueue(1);
      expect(await store.jobs.completeJob(job!.id, T0)).toBe(false); // still pending
      await store.jobs.claimJobs({ now: T0, limit: 1, leaseMs: LEASE });
      expect(await store.jobs.completeJob(job!.id, T0 + 7)).toBe(true);
      expect(await store.jobs.findJob(job!.id)).toMatchObject({ status: 'done', attempts: 1, lockedUntil: null, updatedAt: T0 + 7 });
      expect(await store.jobs.completeJob(job!.id, T0 + 8)).toBe(false);
      expect(await store.jobs.completeJob('424242', T0)).toBe(false);
      expect(await store.jobs.claimJobs({ now: T0 + LEASE * 10, limit: 5, leaseMs: LEASE })).toEqual([]);
    });

    it('failJob() with retryAt puts the job back to pending at retryAt; with null it fails for good', async () => {
      const [job] = await enqueue(1);
      await store.jobs.claimJobs({ now: T0, limit: 1, leaseMs: LEASE });
      expect(await store.jobs.failJob(job!.id, { now: T0 + 1, error: 'ERR_WECHAT_BUSY: busy', retryAt: T0 + 2000, attempt: 1 })).toBe(true);
      expect(await store.jobs.findJob(job!.id)).toMatchObject({
        status: 'pending',
        runAt: T0 + 2000,
        lockedUntil: null,
        lastError: 'ERR_WECHAT_BUSY: busy',
        attempts: 1,
      });
      expect(await store.jobs.claimJobs({ now: T0 + 1999, limit: 5, leaseMs: LEASE })).toEqual([]);
      const [again] = await store.jobs.claimJobs({ now: T0 + 2000, limit: 5, leaseMs: LEASE });
      expect(again).toMatchObject({ id: job!.id, attempts: 2 });
      expect(await store.jobs.failJob(job!.id, { now: T0 + 2001, error: 'x'.repeat(5000), retryAt: null })).toBe(true);
      const failed = await store.jobs.findJob(job!.id);
      expect(failed).toMatchObject({ status: 'failed', lockedUntil: null, runAt: T0 + 2000 });
      expect(failed!.lastError!.length).toBeLessThanOrEqual(2000);
      expect(await store.jobs.claimJobs({ now: T0 + LEASE * 10, limit: 5, leaseMs: LEASE })).toEqual([]);
      expect(await store.jobs.jobCounts()).toEqual({ pending: 0, running: 0, done: 0, failed: 1 });
    });

    it('claimJobs() and failJob() throw a TypeError for bad arguments', async () => {
      await expect(store.jobs.claimJobs({ now: T0, limit: 0, leaseMs: LEASE })).rejects.toThrow(TypeError);
      await expect(store.jobs.claimJobs({ now: T0, limit: 1, leaseMs: 0 })).rejects.toThrow(TypeError);
      await expect(store.jobs.claimJobs({ now: Number.NaN, limit: 1, leaseMs: LEASE })).rejects.toThrow(TypeError);
      await expect(store.jobs.failJob('1', { now: T0, error: 'e', retryAt: 1.5 })).rejects.toThrow(TypeError);
    });

    it('jobCounts() reports every status, zeros included', async () => {
      expect(await store.jobs.jobCounts()).toEqual({ pending: 0, running: 0, done: 0, failed: 0 });
    });
  });
}
