/**
 * Control API for an app's settings: `GET /apps/:appid` and `PATCH /apps/:appid { callbackUrl?, messageMode?,
 * token?, encodingAesKey?, originalId?, oauthDomain? }` (what `emulator.configureApp` does; app-settings.ts). Answers
 * never include the Token or the EncodingAESKey. Setting a callback URL sends WeChat's echostr check first
 * (callback-verifier.ts); its outcome shows as `verification { url, at, ok, status, error? }`.
 */
import type { FastifyInstance } from 'fastify';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp } from '../control-request.js';
import { appSettingsPatchSchema, appSettingsView, configureAppSettings } from '../app-settings.js';

type AppParams = { Params: { appid: string } };

export function registerControlApps(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const base = `${CONTROL_PREFIX}/apps`;
  const withVerification = (appid: string, view: object | undefined) => {
    const v = ctx.verifier.latest(appid);
    return v === undefined ? view : { ...view, verification: v };
  };
  app.get<AppParams>(`${base}/:appid`, async (request) => {
    const { appid } = requireApp(state, request.params.appid);
    return withVerification(appid, appSettingsView(state, appid));
  });
  // Setting a callback URL waits for WeChat's echostr check and answers its outcome (`verification.ok`).
  app.patch<AppParams>(`${base}/:appid`, async (request) => {
    const target = requireApp(state, request.params.appid);
    const patch = parseBody(appSettingsPatchSchema, request.body);
    const view = configureAppSettings(state, target.appid, patch);
    const settings = state.callbacks.get(target.appid);
    if (typeof patch.callbackUrl === 'string' && settings !== undefined) await ctx.verifier.verify(target.appid, settings);
    return withVerification(target.appid, view);
  });
}
