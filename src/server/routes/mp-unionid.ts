/**
 * POST /v1/mp/:appid/unionid (Bearer) { encryptedData, iv[, rawData, signature] } — the decrypt road for a session
 * that logged in without a unionid (flows/mp/mp-unionid.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../compose/deps.js';
import { appidParams, unionidBody } from '../http/mp-schemas.js';
import { mpSessionRequest } from '../http/mp-session-request.js';
import { described } from '../http/route-contract.js';

export function registerMpUnionid(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'sessions' | 'flows'>): void {
  app.post(
    '/v1/mp/:appid/unionid',
    described({ summary: 'The decrypt road: link the unionid from encryptedData to the session', params: appidParams, body: unionidBody, bearer: true }),
    async (request) => {
      const { session, body } = await mpSessionRequest(request, deps, unionidBody);
      return deps.flows.mpUnionid.decrypt(session, { encryptedData: body.encryptedData, iv: body.iv, rawData: body.rawData, signature: body.signature });
    },
  );
}
