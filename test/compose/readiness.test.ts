/** createReadiness() (what /readyz reports) with passing, failing and hanging probes. */
import { describe, expect, it } from 'vitest';
import { createReadiness } from '../../src/compose/readiness.js';

const okProbes = {
  database: async () => undefined,
  schema: async () => 'current' as const,
  jobs: async () => ({ pending: 2, running: 1, done: 7, failed: 3 }),
};

describe('createReadiness()', () => {
  it('check() is ready with every probe ok and reports pending/running/failed jobs', async () => {
    const report = await createReadiness(okProbes).check();
    expect(report).toMatchObject({
      ready: true,
      checks: { database: { ok: true }, cache: { ok: true, kind: 'memory' }, migrations: { ok: true, schema: 'current' } },
      jobs: { pending: 2, running: 1, failed: 3 },
    });
  });

  it('check() is not ready when the database rejects, naming the error code only', async () => {
    const err = Object.assign(new Error('connect ECONNREFUSED postgres://user:pw@db'), { code: 'ECONNREFUSED' });
    const report = await createReadiness({ ...okProbes, database: () => Promise.reject(err) }).check();
    expect(report.ready).toBe(false);
    expect(report.checks.database).toEqual({ ok: false, ms: expect.any(Number), error: 'ECONNREFUSED' });
    expect(JSON.stringify(report)).not.toContain('pw@');
  });

  it('check() times a hanging cache out instead of hanging', async () => {
    const readiness = createReadiness({ ...okProbes, cache: () => new Promise(() => undefined) }, { timeoutMs: 50 });
    const report = await readiness.check();
    expect(report.ready).toBe(false);
    expect(report.checks.cache).toMatchObject({ ok: false, kind: 'redis', error: 'ETIMEDOUT' });
  });

  it('check() is not ready on pending migrations or a newer schema', async () => {
    expect((await createReadiness({ ...okProbes, schema: async () => 'behind' }).check()).checks.migrations).toMatchObject({
      ok: false,
      schema: 'behind',
      error: 'migrations are pending',
    });
    expect((await createReadiness({ ...okProbes, schema: async () => 'ahead' }).check()).ready).toBe(false);
  });

  it('check() is not ready once markClosing() was called', async () => {
    const readiness = createReadiness(okProbes);
    readiness.markClosing();
    expect((await readiness.check()).ready).toBe(false);
  });

  it('createReadiness() throws a TypeError without the required probes', () => {
    expect(() => createReadiness({ database: okProbes.database } as never)).toThrow(TypeError);
  });
});
