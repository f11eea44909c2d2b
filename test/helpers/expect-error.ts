/**
 * A refusal, asserted one way everywhere: the error a call throws or rejects with (an AppError unless told
 * otherwise), its code, or the typed error body `{ error: { code, message } }` an HTTP answer carries.
 */
import { expect } from 'vitest';
import { AppError } from '../../src/errors.js';

type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * What `act` throws, checked to be an `E` (an AppError by default); fails the test when `act` returns.
 * @example
 *   expect(thrown(() => parseConfig({})).code).toBe('ERR_CONFIG_INVALID');
 */
export function thrown<E = AppError>(act: () => unknown, type: ErrorClass<E> = AppError as unknown as ErrorClass<E>): E {
  let error: unknown;
  try {
    act();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected a throw, but it returned');
  expect(error).toBeInstanceOf(type);
  return error as E;
}

/**
 * What `p` rejects with, checked to be an `E` (an AppError by default); fails the test when `p` resolves.
 * @example
 *   expect((await rejection(flow.read('x'))).code).toBe('ERR_QR_LOGIN_NOT_FOUND');
 */
export async function rejection<E = AppError>(p: Promise<unknown>, type: ErrorClass<E> = AppError as unknown as ErrorClass<E>): Promise<E> {
  const outcome = await p.then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error('expected a rejection, but it resolved');
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}

/**
 * The code of what `act` throws: an AppError's code, undefined when `act` returns, and `not an AppError: …` for
 * anything else (so a comparison with a code fails and says why).
 * @example
 *   expect(codeOf(() => decryptUserData(input))).toBe('ERR_CRYPTO_DECRYPT');
 */
export function codeOf(act: () => unknown): string | undefined {
  try {
    act();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
}

/** An HTTP answer as the helpers read it: the status and the body (parsed JSON, or text). */
export interface AnswerLike {
  status: number;
  body: unknown;
}

/**
 * The answer is `status` with the typed error body of `code` — `{ error: { code, message } }` — and, when given,
 * WeChat's errcode kept in `error.wechat`. A text body is parsed as JSON first.
 * @example
 *   expectError(await call('POST', '/v1/mp/wxnobody/login', { code: 'c' }), 404, 'ERR_APP_UNKNOWN');
 */
export function expectError(answer: AnswerLike, status: number, code: string, errcode?: number): void {
  const body = (typeof answer.body === 'string' ? parseOrText(answer.body) : answer.body) as { error?: Record<string, unknown> } | undefined;
  expect([answer.status, body?.error?.code], JSON.stringify(answer.body)).toEqual([status, code]);
  expect(body?.error?.message, 'the error carries a message').toEqual(expect.any(String));
  if (errcode !== undefined) expect((body?.error?.wechat as { errcode?: number } | undefined)?.errcode).toBe(errcode);
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
