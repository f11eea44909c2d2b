/** Argument checks shared by the API functions: misuse by a programmer is a TypeError, never a WeChat call. */

export function requireString(fn: string, name: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v === '') throw new TypeError(`${fn}: ${name} must be a non-empty string`);
}
