/**
 * Where and how each official account receives pushes: callback URL, Token, EncodingAESKey, message mode and
 * original id. Starts from the app options; `configureApp` / `PATCH /__emulator/apps/:appid` change it at run time
 * (a server's callback URL is only known once it listens). Token and key never leave through the view.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { EmulatorApp } from './emulator-app.js';
import { MESSAGE_MODES, type MessageMode } from './push-xml.js';

/** The settings a push is made with. */
export interface CallbackSettings {
  readonly callbackUrl: string | null;
  readonly token: string | null;
  readonly encodingAesKey: string | null;
  readonly messageMode: MessageMode;
  /** ToUserName of pushes: the configured `gh_…` id, else `gh_<appid>`. */
  readonly originalId: string;
}

/** What may change at run time. */
export interface AppCallbackPatch {
  callbackUrl?: string | null | undefined;
  messageMode?: MessageMode | undefined;
  token?: string | undefined;
  encodingAesKey?: string | undefined;
  originalId?: string | undefined;
}

/** What the control API shows: never the Token or the EncodingAESKey. */
export interface AppCallbackView {
  appid: string;
  kind: EmulatorApp['kind'];
  callbackUrl: string | null;
  messageMode: MessageMode;
  originalId: string;
  hasToken: boolean;
  hasEncodingAesKey: boolean;
}

export const callbackUrlSchema = z.url({ protocol: /^https?$/ });
export const tokenSchema = z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'a callback Token is 3–32 letters or digits');
export const encodingAesKeySchema = z.string().regex(/^[A-Za-z0-9]{43}$/, 'an EncodingAESKey is 43 letters or digits');

export const appCallbackPatchSchema = z.strictObject({
  callbackUrl: callbackUrlSchema.nullable().optional(),
  messageMode: z.enum(MESSAGE_MODES).optional(),
  token: tokenSchema.optional(),
  encodingAesKey: encodingAesKeySchema.optional(),
  originalId: z.string().min(1).max(64).optional(),
});

/** Why `settings` cannot be used, or null. Pushes need an official account with a Token; encryption a key. */
export function callbackProblem(app: EmulatorApp, s: CallbackSettings): string | null {
  if (s.callbackUrl !== null && app.kind !== 'officialAccount') return `${app.appid} is a ${app.kind}; only official accounts get pushes`;
  if (s.callbackUrl !== null && s.token === null) return `${app.appid} needs a token to sign pushes`;
  if (s.messageMode !== 'plain' && s.encodingAesKey === null) return `${s.messageMode} mode needs an encodingAesKey`;
  return null;
}

/** The settings an app starts with (messageMode: safe when a key is set, else plain). */
export function initialSettings(app: EmulatorApp): CallbackSettings {
  return {
    callbackUrl: app.callbackUrl ?? null,
    token: app.token ?? null,
    encodingAesKey: app.encodingAesKey ?? null,
    messageMode: app.messageMode ?? (app.encodingAesKey === undefined ? 'plain' : 'safe'),
    originalId: app.originalId ?? `gh_${app.appid}`,
  };
}

export class AppCallbacks {
  readonly #apps: ReadonlyMap<string, EmulatorApp>;
  readonly #settings = new Map<string, CallbackSettings>();

  constructor(apps: readonly EmulatorApp[]) {
    this.#apps = new Map(apps.map((a) => [a.appid, a]));
    for (const app of apps) this.#settings.set(app.appid, initialSettings(app));
  }

  get(appid: string): CallbackSettings | undefined {
    return this.#settings.get(appid);
  }

  /** Applies `patch` (validated; ERR_EMULATOR_NOT_FOUND / ERR_EMULATOR_BAD_REQUEST) and returns the view. */
  configure(appid: string, patch: AppCallbackPatch): AppCallbackView {
    const app = this.#apps.get(appid);
    const current = this.#settings.get(appid);
    if (app === undefined || current === undefined) throw new AppError('ERR_EMULATOR_NOT_FOUND', { message: `No app ${appid}.` });
    const parsed = appCallbackPatchSchema.safeParse(patch);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', {
        message: `Invalid settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        details: { issues },
      });
    }
    const p = parsed.data;
    const next: CallbackSettings = {
      callbackUrl: p.callbackUrl === undefined ? current.callbackUrl : p.callbackUrl,
      token: p.token ?? current.token,
      encodingAesKey: p.encodingAesKey ?? current.encodingAesKey,
      messageMode: p.messageMode ?? current.messageMode,
      originalId: p.originalId ?? current.originalId,
    };
    const problem = callbackProblem(app, next);
    if (problem !== null) throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: problem });
    this.#settings.set(appid, next);
    return this.view(appid) as AppCallbackView;
  }

  view(appid: string): AppCallbackView | undefined {
    const app = this.#apps.get(appid);
    const s = this.#settings.get(appid);
    if (app === undefined || s === undefined) return undefined;
    return {
      appid,
      kind: app.kind,
      callbackUrl: s.callbackUrl,
      messageMode: s.messageMode,
      originalId: s.originalId,
      hasToken: s.token !== null,
      hasEncodingAesKey: s.encodingAesKey !== null,
    };
  }
}
