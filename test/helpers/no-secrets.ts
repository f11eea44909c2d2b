/** Asserts that none of `secrets` appears anywhere an error can carry text: message, body, JSON, stack, causes. */
import { expect } from 'vitest';
import { AppError } from '../../src/errors.js';

export function expectNoSecrets(e: unknown, secrets: readonly string[]): void {
  expect(e).toBeInstanceOf(AppError);
  const err = e as AppError;
  const parts = [err.message, JSON.stringify(err), JSON.stringify(err.toBody()), String(err.stack)];
  for (let cur: unknown = err.cause, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    parts.push(cur instanceof Error ? `${cur.message} ${cur.stack}` : String(cur));
  }
  const all = parts.join('\n');
  for (const s of secrets) {
    expect(all, `an error carries a secret (${s.slice(0, 4)}…)`).not.toContain(s);
    expect(all).not.toContain(encodeURIComponent(s));
  }
}
