/**
 * Control API for the push simulator's records: `GET /pushes` (all, oldest first), `GET /pushes/:id`, and
 * `DELETE /pushes` (cancels pushes in flight and forgets every record). `?wait=1` on either GET first waits until
 * the push (or every push in flight) is done — at most tries × (pushTimeoutMs + pushRetryDelayMs).
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { queryParam } from '../wechat-reply.js';

const wants = (query: unknown): boolean => ['1', 'true'].includes(queryParam(query, 'wait') ?? '');

export function registerControlPushes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { pushes } = ctx;
  const base = `${CONTROL_PREFIX}/pushes`;

  app.get(base, async (request) => {
    if (wants(request.query)) await pushes.settled();
    return pushes.list();
  });

  app.get<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    const { id } = request.params;
    if (pushes.get(id) === undefined) throw new AppError('ERR_EMULATOR_NOT_FOUND', { message: `No push ${id}.` });
    if (wants(request.query)) await pushes.settled(id);
    return pushes.get(id);
  });

  app.delete(base, async () => {
    await pushes.clear();
    return { ok: true };
  });
}
