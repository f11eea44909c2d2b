/** Control API for fault injection: add, list, delete one, delete all. */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody } from '../control-request.js';
import { faultSpecSchema } from '../faults.js';

export function registerControlFaults(app: FastifyInstance, ctx: EmulatorContext): void {
  const { faults } = ctx;
  const base = `${CONTROL_PREFIX}/faults`;
  app.post(base, async (request, reply) => reply.code(201).send({ id: faults.add(parseBody(faultSpecSchema, request.body)).id }));
  app.get(base, async () => faults.list());
  app.delete(base, async () => {
    faults.clear();
    return { ok: true };
  });
  app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    if (!faults.remove(request.params.id)) throw new AppError('ERR_EMULATOR_NOT_FOUND', { message: `No fault ${request.params.id}.` });
    return { ok: true };
  });
}
