/** The local WeChat emulator: public surface. */
export { createEmulator, type Emulator } from './create-emulator.js';
export type { HttpsListenOptions } from './https-listener.js';
export { ensureLocalCa, LOCAL_CA_SERVER_NAMES, type LocalCa, type LocalCaOptions } from './local-ca.js';
export { DEFAULT_EMULATOR_HOST, type EmulatorAddress, isLoopbackAddress } from './emulator-address.js';
export {
  APP_KINDS,
  type AdvanceableClock,
  type AppKind,
  type EmulatorApp,
  type EmulatorOptions,
  type OAuthCodeTtls,
  type RandomBytes,
  type UnionidRule,
} from './options.js';
export type { AppSummary, EmulatorStateView } from './state.js';
export type { PersonSnapshot } from './persons.js';
export type { FaultSpec } from './faults.js';
export { WECHAT_CONTENT_TYPE, WECHAT_ERRMSG } from './wechat-reply.js';
export type { SealedUserInfo, UserProfile } from './user-data-sealer.js';
export type { AppCallbackPatch, AppCallbackView } from './app-callbacks.js';
export type { AppSettingsPatch, AppSettingsView } from './app-settings.js';
export type { OAuthDomainSetting } from './oauth-domain.js';
export type { MessageMode } from './push-xml.js';
export type { PushAttempt, PushKind, PushRecord } from './push-record.js';
export type { OAuthScope } from './oauth-tokens.js';
export { callbackSignature, decryptMessage, encryptMessage, type DecryptedMessage } from './msg-crypt.js';
