/**
 * The fault matrix: every upstream WeChat endpoint weunion calls × every way WeChat fails (errcode -1, 40001, 45009,
 * 45011, HTTP 500, an unreadable body, a 3 s delay against a short wechat.timeoutMs, a dropped connection), injected
 * on the emulator for the next call(s) only. For each cell the route answers the documented typed error
 * (docs/errors.md) or succeeds through the retry the design prescribes (-1 retried; 40001 → token refetched once;
 * transport failures of repeatable calls retried), the calls WeChat saw are counted, a failure leaves every table
 * exactly as it was, and the next request after the fault succeeds. The job-driven lookup (user/info behind the
 * official-account callback) keeps its job pending and completes it on the retry after the backoff.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { dbDigest, listJobs, type JobView } from './db-digest.js';
import { DRIVERS, type Driver } from './drivers.js';
import { expected, FAULTS, MATRIX_TIMEOUT_MS } from './expectations.js';

async function calls(stack: Stack): Promise<Record<string, number>> {
  return (await stack.control<{ calls: Record<string, number> }>('/__emulator/stats', undefined, 'GET')).calls;
}

const clearFaults = (stack: Stack) => stack.control('/__emulator/faults', undefined, 'DELETE');

async function healthyRun(stack: Stack, driver: Driver): Promise<void> {
  const ctx = await driver.prepare(stack);
  await driver.expectHealthy(stack, await driver.act(stack, ctx), ctx);
}

describe.each(DRIVERS.map((d) => [d.path, d] as const))('%s', (_path, driver) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      unionidRule: 'legacy',
      ...driver.stack,
      configure: (c) => ({ ...c, wechat: { ...c.wechat, timeoutMs: MATRIX_TIMEOUT_MS } }),
    });
    await healthyRun(stack, driver); // warms the access_token cache: a case's only token fetch is its own
  });
  afterAll(async () => stack?.close());
  beforeEach(async () => clearFaults(stack));

  it.each(FAULTS.map((f) => [f.name, f] as const))(`${driver.via} under %s`, async (_name, fault) => {
    const want = expected(driver, fault);
    const ctx = await driver.prepare(stack);
    // A job-driven call writes its job row (attempts, last error) by design: every other table must stay put.
    const untouched = driver.job ? ['jobs'] : [];
    const before = dbDigest(stack, untouched);
    await stack.control('/__emulator/stats', undefined, 'DELETE');
    await stack.control('/__emulator/faults', { path: driver.path, ...fault.spec });

    const answer = await driver.act(stack, ctx);
    const seen = await calls(stack);
    expect(seen[driver.path] ?? 0, `calls to ${driver.path}`).toBe(want.calls);

    if (want.ok) {
      await driver.expectHealthy(stack, answer, ctx);
      if (fault.kind === 'token-invalid') expect(seen['/cgi-bin/stable_token'], 'one token refetch').toBe(1);
    } else if (driver.job) {
      const job = answer.body.job as JobView;
      expect(job).toMatchObject({ status: 'pending', attempts: 1 });
      expect(job.lastError).toContain(want.code);
      expect(dbDigest(stack, untouched)).toEqual(before);
      // The job comes back after its backoff (≤ 1 s for a first failure) and completes once WeChat answers.
      await clearFaults(stack);
      stack.clock.advance(60);
      await stack.runJobs();
      expect(listJobs(stack).find((j) => j.id === job.id)).toMatchObject({ status: 'done', attempts: 2 });
      await driver.expectHealthy(stack, answer, ctx);
    } else {
      expect(answer.body?.error?.code, JSON.stringify(answer.body)).toBe(want.code);
      expect(answer.status).toBe(want.status);
      if (want.errcode !== undefined) expect(answer.body.error.wechat?.errcode).toBe(want.errcode);
      expect(dbDigest(stack, untouched)).toEqual(before);
    }

    // The fault is spent: the next request goes through…
    expect(await stack.control<unknown[]>('/__emulator/faults', undefined, 'GET')).toEqual([]);
    await healthyRun(stack, driver);
    // …and so does the very same request again (its code was not spent, no failure was cached). Not after a delay:
    // the delayed call still reaches WeChat later and spends the one-shot code then.
    if (!want.ok && !driver.job && fault.kind !== 'delay') await driver.expectHealthy(stack, await driver.act(stack, ctx), ctx);
  });
});

describe('the matrix itself', () => {
  it('covers every endpoint × every fault, and each fault kind fails at least one endpoint', () => {
    expect(DRIVERS.map((d) => d.path)).toEqual([
      '/sns/jscode2session',
      '/cgi-bin/stable_token',
      '/wxa/checksession',
      '/cgi-bin/user/info',
      '/cgi-bin/qrcode/create',
      '/sns/oauth2/access_token',
      '/sns/userinfo',
      '/wxa/business/getuserphonenumber',
      '/wxa/getpaidunionid',
    ]);
    for (const f of FAULTS) {
      const outcomes = DRIVERS.map((d) => expected(d, f));
      if (f.kind !== 'busy-once')
        expect(
          outcomes.some((o) => !o.ok),
          f.name,
        ).toBe(true);
    }
  });
});
