/** Helpers for control routes: body validation and lookups that fail with ERR_EMULATOR_* AppErrors. */
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { EmulatorApp } from './emulator-app.js';
import type { Person } from './persons.js';
import type { EmulatorState } from './state.js';

/** Validates a control body (an empty body counts as `{}`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError('ERR_EMULATOR_BAD_REQUEST', {
    details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  });
}

export function requirePerson(state: EmulatorState, id: string): Person {
  const person = state.persons.get(id);
  if (person === undefined) throw new AppError('ERR_EMULATOR_NOT_FOUND', { message: `No person ${id}.` });
  return person;
}

export function requireApp(state: EmulatorState, appid: string, kinds?: readonly EmulatorApp['kind'][]): EmulatorApp {
  const app = state.app(appid);
  if (app === undefined) throw new AppError('ERR_EMULATOR_NOT_FOUND', { message: `No app ${appid}.` });
  if (kinds !== undefined && !kinds.includes(app.kind)) {
    throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `App ${appid} is a ${app.kind}; expected ${kinds.join(' or ')}.` });
  }
  return app;
}
