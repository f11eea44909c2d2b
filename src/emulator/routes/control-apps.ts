/**
 * Control API for an app's settings: `GET /apps/:appid` and `PATCH /apps/:appid { callbackUrl?, messageMode?,
 * token?, encodingAesKey?, originalId?, oauthDomain? }` (what `emulator.configureApp` does; app-settings.ts). Answers
 * never include the Token or the EncodingAESKey.
 */
import type { FastifyInstance } from 'fastify';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp } from '../control-request.js';
import { appSettingsPatchSchema, appSettingsView, configureAppSettings } from '../app-settings.js';

type AppParams = { Params: { appid: string } };

export function registerControlApps(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const base = `${CONTROL_PREFIX}/apps`;
  app.get<AppParams>(`${base}/:appid`, async (request) => appSettingsView(state, requireApp(state, request.params.appid).appid));
  app.patch<AppParams>(`${base}/:appid`, async (request) => {
    const target = requireApp(state, request.params.appid);
    return configureAppSettings(state, target.appid, parseBody(appSettingsPatchSchema, request.body));
  });
}
