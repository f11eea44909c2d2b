/** Control API odds and ends: the configured apps (never their secrets), call stats, and a full reset. */
import type { FastifyInstance } from 'fastify';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';

export function registerControlAdmin(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, stats, faults, pushes } = ctx;
  app.get(`${CONTROL_PREFIX}/apps`, async () => state.apps.map(({ appid, kind, openAppid }) => ({ appid, kind, openAppid })));
  app.get(`${CONTROL_PREFIX}/stats`, async () => stats.snapshot());
  app.delete(`${CONTROL_PREFIX}/stats`, async () => {
    stats.clear();
    return { ok: true };
  });
  /** Clears persons, codes, keys, tokens, tickets, payments, pushes (cancelling those in flight), faults and stats; apps (with their push settings) and the clock stay. */
  app.post(`${CONTROL_PREFIX}/reset`, async () => {
    await pushes.clear();
    state.reset();
    faults.clear();
    stats.clear();
    return { ok: true };
  });
}
