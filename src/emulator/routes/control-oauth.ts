/**
 * Control API for OAuth without a browser: `POST /__emulator/oauth/authorize` plays the person's decision on the
 * official-account / website page and answers `{ location }` (the redirect WeChat would send); `POST
 * /__emulator/app.login` plays the mobile OpenSDK's SendAuth (snsapi_userinfo, consent) and answers `{ code }`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp, requirePerson } from '../control-request.js';
import { decideOAuth, oauthCodeTtl, oauthRequestSchema } from '../oauth-decision.js';

const appLoginSchema = z.strictObject({ appid: z.string().min(1), person: z.string().min(1) });

export function registerControlOAuth(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  app.post(`${CONTROL_PREFIX}/oauth/authorize`, async (request) => ({ location: decideOAuth(ctx, parseBody(oauthRequestSchema, request.body)) }));

  app.post(`${CONTROL_PREFIX}/app.login`, async (request) => {
    const call = parseBody(appLoginSchema, request.body);
    const person = requirePerson(state, call.person);
    const target = requireApp(state, call.appid, ['mobile']);
    person.authorized.add(target.appid);
    return { code: state.oauthCodes.mint(target.appid, { personId: person.id, scope: 'snsapi_userinfo', snapshot: false }, oauthCodeTtl(ctx, target)) };
  });
}
