import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { isAppError } from '../../src/errors.js';
import { resolveLogin } from '../../src/identity/resolve-login.js';
import { transactionWithRetries } from '../../src/identity/retry-transaction.js';
import { RetryableTransactionError, UniqueViolationError, type IdentityStore, type IdentityTx } from '../../src/store/port.js';
import { sqliteBackend } from '../store/store-backends.js';

/** A store whose transaction() fails with `failures` in turn, then behaves. */
function flaky(inner: IdentityStore, failures: unknown[]): IdentityStore & { calls: number } {
  const wrapper = Object.create(inner) as IdentityStore & { calls: number };
  wrapper.calls = 0;
  wrapper.findAppIdentity = (appid, openid) => inner.findAppIdentity(appid, openid);
  wrapper.findAppIdentityInUnion = (...args) => inner.findAppIdentityInUnion(...args);
  wrapper.transaction = async <T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T> => {
    wrapper.calls++;
    const failure = failures.shift();
    if (failure !== undefined) {
      // Run the work first, then abort: the writes must be rolled back, as a real conflict would.
      return inner.transaction(async (tx) => {
        await fn(tx);
        throw failure;
      });
    }
    return inner.transaction(fn);
  };
  return wrapper;
}

const noSleep = { sleep: async () => undefined };

describe('transactionWithRetries()', () => {
  it('transactionWithRetries() retries unique violations and retryable aborts, then succeeds', async () => {
    const opened = await sqliteBackend().open();
    try {
      const store = flaky(opened.store.identity, [new UniqueViolationError('app_identities_pk'), new RetryableTransactionError('serialization')]);
      const r = await resolveLogin(
        { store, clock: new ManualClock(), newId: () => 'u_1', retry: noSleep },
        { unionKey: 'acme', appid: 'wxA', openid: 'o1', unionid: 'X1' },
      );
      expect(r).toEqual({ userId: 'u_1', isNewUser: true, linked: false, mergedUserIds: [], unionid: 'X1', unionidConfirmed: true, held: false });
      expect(store.calls).toBe(3);
      // The aborted attempts left nothing behind.
      expect(await opened.store.identity.counts()).toEqual({ users: 1, liveUsers: 1, appIdentities: 1, unionIdentities: 1, events: 1 });
    } finally {
      await opened.close();
    }
  });

  it('transactionWithRetries() throws ERR_STORE_CONFLICT once the attempts are spent', async () => {
    const opened = await sqliteBackend().open();
    try {
      const store = flaky(
        opened.store.identity,
        Array.from({ length: 20 }, () => new RetryableTransactionError('deadlock')),
      );
      const delays: number[] = [];
      const err = await transactionWithRetries(store, async () => 1, {
        attempts: 4,
        baseDelayMs: 10,
        maxDelayMs: 25,
        random: () => 0.999,
        sleep: async (ms) => void delays.push(ms),
      }).catch((e: unknown) => e);
      expect(isAppError(err, 'ERR_STORE_CONFLICT')).toBe(true);
      expect((err as Error).cause).toBeInstanceOf(RetryableTransactionError);
      expect(store.calls).toBe(4);
      // Exponential ceilings 10, 20, then capped at 25, with jitter below them.
      expect(delays.map((d) => Math.ceil(d))).toEqual([10, 20, 25]);
    } finally {
      await opened.close();
    }
  });

  it('transactionWithRetries() does not retry other errors', async () => {
    const opened = await sqliteBackend().open();
    try {
      const boom = new Error('boom');
      const store = flaky(opened.store.identity, [boom]);
      await expect(transactionWithRetries(store, async () => 1, noSleep)).rejects.toBe(boom);
      expect(store.calls).toBe(1);
    } finally {
      await opened.close();
    }
  });

  it('transactionWithRetries() throws a TypeError for attempts < 1', async () => {
    const opened = await sqliteBackend().open();
    try {
      await expect(transactionWithRetries(opened.store.identity, async () => 1, { attempts: 0 })).rejects.toThrow(TypeError);
    } finally {
      await opened.close();
    }
  });
});
