/** Request validation with zod: a failed parse becomes ERR_VALIDATION naming the fields (never echoing values). */
import type { z } from 'zod';
import { AppError } from './errors.js';

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ field: i.path.join('.') || what, problem: i.message }));
  throw new AppError('ERR_VALIDATION', {
    message: `Invalid ${what}: ${fields.map((f) => `${f.field} (${f.problem})`).join('; ')}`,
    details: { fields },
  });
}
