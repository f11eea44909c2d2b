/** Control API for virtual time: read it, move it forward. Code/token expiry and quotas all follow it. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody } from '../control-request.js';

const advanceSchema = z.strictObject({ advanceSeconds: z.number().finite().nonnegative() });

export function registerControlClock(app: FastifyInstance, ctx: EmulatorContext): void {
  const { clock } = ctx;
  app.get(`${CONTROL_PREFIX}/clock`, async () => ({ now: clock.now() }));
  app.post(`${CONTROL_PREFIX}/clock`, async (request) => {
    clock.advance(parseBody(advanceSchema, request.body).advanceSeconds);
    return { now: clock.now() };
  });
}
