/**
 * weunion — one user id across a company's WeChat apps, by UnionID.
 * The package's main entry; the mini program SDK is `weunion/client`.
 */
export { AppError, ERROR_CATALOG, isAppError, type ErrorCode, type WeChatErrorDetail } from './errors.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { parseConfig, readConfigSource } from './config/load-config.js';
export type { Config, ConfigInput, AppConfig, UnionConfig, AppKind } from './config/schema.js';
export { decryptUserData, verifyRawDataSignature, rawDataSignature, sessionKeySignature } from './wechat/index.js';
export type { UserDataPayload } from './wechat/index.js';
export { createMessageCrypt, type MessageCrypt, type MessageCryptOptions, type DecryptedMessage } from './wechat/index.js';
export { buildApp } from './server/app.js';
export type { AppDeps, ComposedDeps } from './compose/deps.js';
export type { MiniProgramGateway, OfficialAccountGateway, OAuthGateway, WeChatGateway } from './flows/ports.js';
export { compose, type ComposeOptions, type ComposeOverrides, type Composed } from './compose/compose.js';
export { startService, type RunningService, type StartServiceOptions } from './server/main.js';
export { createEmulator } from './emulator/index.js';
export type { EmulatorAddress, EmulatorApp } from './emulator/index.js';
export { createCallbackHooks, type CallbackHooks, type OaHook, type OaHookMap } from './flows/oa/callback-hooks.js';
export type { OaMessage, PassiveReply } from './wechat/callback/index.js';
