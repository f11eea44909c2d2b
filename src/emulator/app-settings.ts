/**
 * An app's run-time settings as one patch and one view, for `configureApp` and `PATCH /__emulator/apps/:appid`: the
 * push settings (app-callbacks.ts) and the OAuth domain (oauth-domain.ts). A patch is checked whole before any of it
 * applies, so a refused one changes nothing.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { type AppCallbackPatch, type AppCallbackView, appCallbackPatchSchema } from './app-callbacks.js';
import { type OAuthDomainSetting, oauthDomainSettingSchema } from './oauth-domain.js';
import type { EmulatorState } from './state.js';

export interface AppSettingsPatch extends AppCallbackPatch {
  /** The 网页授权域名 / 授权回调域 (`host[:port]`, or a list); null = no check (oauth-domain.ts). */
  oauthDomain?: OAuthDomainSetting | undefined;
}

/** The push settings, plus `oauthDomain` when one is set. Never the Token or the EncodingAESKey. */
export type AppSettingsView = AppCallbackView & { oauthDomain?: readonly string[] };

export const appSettingsPatchSchema = appCallbackPatchSchema.extend({ oauthDomain: oauthDomainSettingSchema.optional() });

/** Applies `patch` to `appid` (ERR_EMULATOR_NOT_FOUND / ERR_EMULATOR_BAD_REQUEST) and returns the new view. */
export function configureAppSettings(state: EmulatorState, appid: string, patch: AppSettingsPatch): AppSettingsView {
  const { oauthDomain, ...callbackPatch } = patch ?? {};
  let domain: OAuthDomainSetting | undefined;
  if (oauthDomain !== undefined) {
    const parsed = oauthDomainSettingSchema.safeParse(oauthDomain);
    if (!parsed.success) throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `Invalid oauthDomain: ${z.prettifyError(parsed.error)}` });
    domain = parsed.data;
  }
  state.callbacks.configure(appid, callbackPatch); // validates the rest; throws before anything changed
  if (domain !== undefined) state.oauthDomains.set(appid, domain);
  return appSettingsView(state, appid) as AppSettingsView;
}

/** The view of `appid`, or undefined for an unknown app. */
export function appSettingsView(state: EmulatorState, appid: string): AppSettingsView | undefined {
  const view = state.callbacks.view(appid);
  if (view === undefined) return undefined;
  const domain = state.oauthDomains.get(appid);
  return domain === null ? view : { ...view, oauthDomain: domain };
}
