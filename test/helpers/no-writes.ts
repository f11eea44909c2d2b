/**
 * "A refused request stores nothing", asserted one way: what the store holds — row counts, the event log, the job
 * counts — is the same before and after.
 */
import { expect } from 'vitest';
import type { WeunionStore } from '../../src/store/port.js';
import { type AnswerLike, expectError } from './expect-error.js';

/** What a refused request must leave untouched: the row counts, every event (id, type, user) and the job counts. */
export async function storeSnapshot(store: Pick<WeunionStore, 'identity' | 'jobs'>): Promise<string> {
  const counts = await store.identity.counts();
  const events = await store.identity.listEvents({ limit: 10_000 });
  const jobs = await store.jobs.jobCounts();
  return JSON.stringify({ counts, events: events.map((e) => [e.id, e.type, e.userId]), jobs });
}

/**
 * Runs `act` and expects the store unchanged by it; returns what `act` returned.
 * @example
 *   await withoutWrites(deps.store, () => flow.decrypt(session, tampered).catch(() => undefined));
 */
export async function withoutWrites<T>(store: Pick<WeunionStore, 'identity' | 'jobs'>, act: () => Promise<T>): Promise<T> {
  const before = await storeSnapshot(store);
  const result = await act();
  expect(await storeSnapshot(store), 'a refused request wrote to the store').toBe(before);
  return result;
}

/**
 * Runs `act` (one HTTP request), expects the typed refusal `status` + `code` (and WeChat's errcode, when given), and
 * the store unchanged; returns the answer.
 * @example
 *   await rejectsWithoutWrites(stack.deps.store, () => stack.api(path, { code: 'x' }), 400, 'ERR_WECHAT_CODE_INVALID', 40029);
 */
export async function rejectsWithoutWrites<A extends AnswerLike>(
  store: Pick<WeunionStore, 'identity' | 'jobs'>,
  act: () => Promise<A>,
  status: number,
  code: string,
  errcode?: number,
): Promise<A> {
  const answer = await withoutWrites(store, act);
  expectError(answer, status, code, errcode);
  return answer;
}
