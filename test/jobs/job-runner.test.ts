/**
 * The job runner over a real store (in-memory SQLite; the multi-runner test also on PostgreSQL with two pools),
 * job times on a ManualClock, real timers only where the polling loop itself is under test.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { AppError } from '../../src/errors.js';
import { createJobRunner, type JobHandler, type JobRunner, type JobRunnerOptions } from '../../src/jobs/job-runner.js';
import { createJobWake } from '../../src/jobs/job-wake.js';
import { PermanentJobError } from '../../src/jobs/permanent-job-error.js';
import type { OpenedStore } from '../../src/store/open-store.js';
import type { JobStore, WeunionStore } from '../../src/store/port.js';
import { identityBackends, type Backend } from '../identity/identity-backends.js';
import { sqliteBackend } from '../store/store-backends.js';

const T0 = 1_800_000_000_000;

/** A logger that keeps every line, to check nothing secret is logged. */
function memoryLogger() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  return {
    lines,
    warn: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'warn', obj, msg }),
    error: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'error', obj, msg }),
  };
}

/** A promise with its resolve, to hold a handler until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('createJobRunner()', () => {
  let opened: OpenedStore;
  let store: WeunionStore;
  let clock: ManualClock;
  const runners: JobRunner[] = [];

  beforeEach(async () => {
    opened = await sqliteBackend().open();
    store = opened.store;
    clock = new ManualClock({ now: () => T0 });
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await opened.close();
  });

  function runner(handlers: Record<string, JobHandler>, extra: Partial<JobRunnerOptions> = {}): JobRunner {
    const r = createJobRunner({ store: store.jobs, clock, handlers, pollMs: 5, leaseMs: 30_000, maxAttempts: 5, concurrency: 4, random: () => 0.5, ...extra });
    runners.push(r);
    return r;
  }
  const enqueue = (kind: string, payload: Record<string, unknown> = {}) => store.jobs.enqueueJob({ kind, payload, runAt: clock.now() });

  it('runDue() runs every due job once, marks it done and says how many ran; the handler gets payload and context', async () => {
    const seen: Array<{ payload: Record<string, unknown>; attempt: number; jobId: string; kind: string; aborted: boolean }> = [];
    const r = runner({
      echo: async (payload, ctx) => {
        seen.push({ payload, attempt: ctx.attempt, jobId: ctx.jobId, kind: ctx.kind, aborted: ctx.signal.aborted });
      },
    });
    const a = await enqueue('echo', { n: 1 });
    const b = await enqueue('echo', { n: 2 });
    await store.jobs.enqueueJob({ kind: 'echo', payload: { n: 3 }, runAt: T0 + 60_000 }); // not due
    expect(await r.runDue()).toBe(2);
    expect(seen).toEqual([
      { payload: { n: 1 }, attempt: 1, jobId: a.id, kind: 'echo', aborted: false },
      { payload: { n: 2 }, attempt: 1, jobId: b.id, kind: 'echo', aborted: false },
    ]);
    expect(await store.jobs.findJob(a.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(await r.runDue()).toBe(0);
    expect(await r.counts()).toEqual({ pending: 1, running: 0, done: 2, failed: 0, inFlight: 0 });
  });

  it('runDue() also runs the jobs a handler enqueued while it ran', async () => {
    const r = runner({
      first: async () => {
        await enqueue('second');
      },
      second: async () => {},
    });
    await enqueue('first');
    expect(await r.runDue()).toBe(2);
    expect((await store.jobs.jobCounts()).done).toBe(2);
  });

  it('a handler that throws is retried after the backoff, on the clock, until it succeeds', async () => {
    let calls = 0;
    const r = runner({
      flaky: async () => {
        calls++;
        if (calls < 3) throw new AppError('ERR_WECHAT_BUSY', { wechat: { errcode: -1, errmsg: 'system error' } });
      },
    });
    const { id } = await enqueue('flaky');
    expect(await r.runDue()).toBe(1);
    // Attempt 1 failed: ceiling 1 s, random 0.5 → 750 ms.
    expect(await store.jobs.findJob(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      runAt: T0 + 750,
      lastError: expect.stringMatching(/^ERR_WECHAT_BUSY: .*\[errcode -1\]$/),
    });
    expect(await r.runDue()).toBe(0);
    clock.advance(0.749);
    expect(await r.runDue()).toBe(0);
    clock.advance(0.001);
    expect(await r.runDue()).toBe(1);
    // Attempt 2 failed: ceiling 2 s → 1500 ms after now.
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'pending', attempts: 2, runAt: T0 + 750 + 1500 });
    clock.advance(1.5);
    expect(await r.runDue()).toBe(1);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'done', attempts: 3 });
    expect(calls).toBe(3);
  });

  it('a custom backoff decides the retry time', async () => {
    const r = runner({ fail: async () => Promise.reject(new Error('nope')) }, { backoff: (attempt) => attempt * 10_000 });
    const { id } = await enqueue('fail');
    await r.runDue();
    expect((await store.jobs.findJob(id))?.runAt).toBe(T0 + 10_000);
  });

  it('a job failing on every attempt is marked failed after maxAttempts and never runs again', async () => {
    let calls = 0;
    const logger = memoryLogger();
    const r = runner(
      {
        broken: async () => {
          calls++;
          throw new AppError('ERR_WECHAT_QUOTA');
        },
      },
      { maxAttempts: 3, logger },
    );
    const { id } = await enqueue('broken');
    for (let i = 0; i < 10; i++) {
      await r.runDue();
      clock.advance(3600);
    }
    expect(calls).toBe(3);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringContaining('ERR_WECHAT_QUOTA') });
    expect(logger.lines.map((l) => `${l.level}:${l.msg}`)).toEqual([
      'warn:job failed; retrying later',
      'warn:job failed; retrying later',
      'error:job failed for good',
    ]);
    expect(logger.lines[2]!.obj).toMatchObject({ jobId: id, kind: 'broken', attempt: 3, retryAt: null });
  });

  it('a PermanentJobError fails the job at once, without retries', async () => {
    let calls = 0;
    const r = runner({
      bad: async () => {
        calls++;
        throw new PermanentJobError('payload names no openid');
      },
    });
    const { id } = await enqueue('bad');
    await r.runDue();
    clock.advance(3600);
    expect(await r.runDue()).toBe(0);
    expect(calls).toBe(1);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'permanent: payload names no openid' });
  });

  it('a job of a kind without a handler is marked failed', async () => {
    const r = runner({ known: async () => {} });
    const { id } = await enqueue('mystery');
    expect(await r.runDue()).toBe(1);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'failed', lastError: 'ERR_JOB_UNKNOWN_KIND: no handler for job kind "mystery"' });
    // Inherited object keys are not handlers.
    const { id: proto } = await enqueue('toString');
    await r.runDue();
    expect((await store.jobs.findJob(proto))?.status).toBe('failed');
  });

  it("the recorded error and the log lines carry the error's code and message, never the payload or a URL secret", async () => {
    const logger = memoryLogger();
    const r = runner(
      {
        leaky: async (payload) => {
          throw new Error(`GET /cgi-bin/user/info?access_token=TOKEN-XYZ&openid=${String(payload.openid)} failed`);
        },
      },
      { logger },
    );
    const { id } = await enqueue('leaky', { openid: 'o1', sessionKey: 'PAYLOAD-SECRET' });
    await r.runDue();
    const row = await store.jobs.findJob(id);
    const recorded = JSON.stringify([row?.lastError, logger.lines]);
    expect(recorded).not.toContain('TOKEN-XYZ');
    expect(recorded).not.toContain('PAYLOAD-SECRET');
    expect(row?.lastError).toBe('Error: GET /cgi-bin/user/info?access_token=***&openid=o1 failed');
  });

  it("a crashed runner's job is claimed again by another runner once the lease ran out", async () => {
    const hang = gate();
    const logger = memoryLogger();
    const crashed = runner({ work: () => hang.opened }, { leaseMs: 10_000, logger });
    const ran: number[] = [];
    const survivor = runner({ work: async (_p, ctx) => void ran.push(ctx.attempt) }, { leaseMs: 10_000 });
    const { id } = await enqueue('work');
    const crashedRun = crashed.runDue(); // claims the job, then "dies" inside the handler
    await vi.waitFor(async () => expect((await store.jobs.findJob(id))?.status).toBe('running'));
    expect(await survivor.runDue()).toBe(0); // the lease still holds
    clock.advance(10);
    expect(await survivor.runDue()).toBe(1);
    expect(ran).toEqual([2]);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'done', attempts: 2 });
    // The "dead" worker wakes up: its outcome is fenced off by its attempt number.
    hang.open();
    await crashedRun;
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(logger.lines.map((l) => l.msg)).toEqual(['job finished after its lease ran out; another worker owns it now']);
  });

  it('a job claimed more than maxAttempts times without an outcome (its workers kept dying) is failed unrun', async () => {
    let calls = 0;
    const r = runner({ work: async () => void calls++ }, { maxAttempts: 2, leaseMs: 1000 });
    const { id } = await enqueue('work');
    for (let i = 0; i < 2; i++) {
      await store.jobs.claimJobs({ now: clock.now(), limit: 1, leaseMs: 1000 }); // a worker claims and dies
      clock.advance(1);
    }
    expect(await r.runDue()).toBe(1);
    expect(calls).toBe(0);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringContaining('ERR_JOB_ABANDONED') });
  });

  it('a run longer than timeoutMs is abandoned (its signal aborted) and retried', async () => {
    let signal: AbortSignal | undefined;
    const r = runner({ slow: (_p, ctx) => ((signal = ctx.signal), new Promise<void>(() => {})) }, { timeoutMs: 20 });
    const { id } = await enqueue('slow');
    expect(await r.runDue()).toBe(1);
    expect(signal?.aborted).toBe(true);
    expect(await store.jobs.findJob(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'ERR_JOB_TIMEOUT: the run took longer than 20 ms' });
  });

  it('start() polls for due jobs and runs them; poke() makes an idle runner look at once', async () => {
    const done: string[] = [];
    const r = runner({ work: async (p) => void done.push(String(p.n)) }, { pollMs: 60_000 });
    await enqueue('work', { n: 1 });
    r.start();
    await vi.waitFor(() => expect(done).toEqual(['1']));
    await enqueue('work', { n: 2 });
    // The next poll is a minute away: only the poke makes this run now.
    r.poke();
    await vi.waitFor(() => expect(done).toEqual(['1', '2']));
  });

  it('a poke on the wake-up line it was given (built before the runner) makes it look at once, like poke()', async () => {
    const done: string[] = [];
    const wake = createJobWake();
    wake.poke(); // nobody listens yet: a no-op
    const r = runner({ work: async (p) => void done.push(String(p.n)) }, { pollMs: 60_000, wake });
    r.start();
    await enqueue('work', { n: 1 });
    wake.poke(); // the first poll already ran on an empty queue; the next one is a minute away
    await vi.waitFor(() => expect(done).toEqual(['1']));
  });

  it('start() runs at most `concurrency` jobs at once and drains a backlog larger than that', async () => {
    let running = 0;
    let peak = 0;
    const r = runner(
      {
        work: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
        },
      },
      { concurrency: 3, pollMs: 60_000 },
    );
    for (let i = 0; i < 12; i++) await enqueue('work', { i });
    r.start();
    await vi.waitFor(async () => expect((await store.jobs.jobCounts()).done).toBe(12));
    expect(peak).toBe(3);
  });

  it('stop() stops claiming and resolves only after the jobs in flight finished', async () => {
    const hold = gate();
    let finished = false;
    const r = runner({
      work: async () => {
        await hold.opened;
        finished = true;
      },
    });
    const { id } = await enqueue('work');
    r.start();
    await vi.waitFor(async () => expect((await r.counts()).inFlight).toBe(1));
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    hold.open();
    await stopping;
    expect(finished).toBe(true);
    expect((await store.jobs.findJob(id))?.status).toBe('done');
    // Stopped: nothing new is claimed, by the loop or by runDue().
    const late = await enqueue('work');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await r.runDue()).toBe(0);
    expect((await store.jobs.findJob(late.id))?.status).toBe('pending');
  });

  it('the loop survives a store that fails to claim, logging it and trying again', async () => {
    const logger = memoryLogger();
    let failures = 1;
    const flaky: JobStore = Object.create(store.jobs, {
      claimJobs: {
        value: (o: Parameters<JobStore['claimJobs']>[0]) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : store.jobs.claimJobs(o)),
      },
    });
    const ran: string[] = [];
    const r = createJobRunner({
      store: flaky,
      clock,
      handlers: { work: async () => void ran.push('x') },
      pollMs: 5,
      leaseMs: 30_000,
      maxAttempts: 3,
      concurrency: 1,
      logger,
    });
    runners.push(r);
    await enqueue('work');
    r.start();
    await vi.waitFor(() => expect(ran).toEqual(['x']));
    expect(logger.lines[0]).toMatchObject({ level: 'error', obj: { error: 'Error: connection reset' } });
  });

  it('refuses bad options with a TypeError', () => {
    const base = { store: store.jobs, clock, handlers: {}, pollMs: 5, leaseMs: 1000, maxAttempts: 3, concurrency: 1 };
    expect(() => createJobRunner({ ...base, concurrency: 0 })).toThrow(TypeError);
    expect(() => createJobRunner({ ...base, leaseMs: 1.5 })).toThrow(TypeError);
    expect(() => createJobRunner({ ...base, handlers: { x: 'no' as unknown as JobHandler } })).toThrow(TypeError);
    expect(() => createJobRunner({ ...base, store: {} as JobStore })).toThrow(TypeError);
  });
});

describe.each(await identityBackends())('several job runners on %s', (name, make) => {
  let backend: Backend;
  const stores: OpenedStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await backend?.teardown();
  });

  it('3 started runners (separate pools on PostgreSQL) run each of 60 jobs exactly once', async () => {
    backend = await make();
    const first = await backend.open();
    stores.push(first);
    for (let i = 1; i < 3 && name === 'postgres'; i++) stores.push(await backend.open({ keep: true }));
    const clock = new ManualClock({ now: () => T0 });
    const runs = new Map<string, number>();
    const handlers = {
      work: async (p: Record<string, unknown>) => {
        runs.set(String(p.i), (runs.get(String(p.i)) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    };
    for (let i = 0; i < 60; i++) await first.store.jobs.enqueueJob({ kind: 'work', payload: { i }, runAt: T0 });
    const runners = Array.from({ length: 3 }, (_, i) =>
      createJobRunner({ store: stores[i % stores.length]!.store.jobs, clock, handlers, pollMs: 5, leaseMs: 30_000, maxAttempts: 3, concurrency: 4 }),
    );
    for (const r of runners) r.start();
    try {
      await vi.waitFor(async () => expect((await first.store.jobs.jobCounts()).done).toBe(60), { timeout: 10_000 });
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });
});
