/**
 * POST /v1/session/exchange { code } — the last step of a browser login (OAuth callback, website QR login,
 * scan-to-follow): the page's backend trades the one-time login code from its redirect URL for a session. The
 * answer has the mini program login's shape. A code works once and lives `flows.loginCodeTtlSeconds`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { described } from '../http/route-contract.js';

const exchangeBody = z.strictObject({ code: z.string().min(1).max(128) });

/** Registers `POST /v1/session/exchange` (flows/session-exchange.ts). */
export function registerSessionExchange(app: FastifyInstance, deps: Pick<AppDeps, 'flows'>): void {
  app.post(
    '/v1/session/exchange',
    described({ summary: 'Trade a browser login\u2019s one-time login code for a session', body: exchangeBody }),
    async (request) => {
      const { code } = parseOrThrow(exchangeBody, request.body);
      return deps.flows.sessionExchange.exchange(code);
    },
  );
}
