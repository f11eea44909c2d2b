/** The local WeChat emulator: public surface. */
export { createEmulator, type Emulator } from './create-emulator.js';
export {
  APP_KINDS,
  type AdvanceableClock,
  type AppKind,
  type EmulatorApp,
  type EmulatorOptions,
  type RandomBytes,
  type UnionidRule,
} from './options.js';
export type { AppSummary, EmulatorStateView } from './state.js';
export type { PersonSnapshot } from './persons.js';
export type { FaultSpec } from './faults.js';
export { WECHAT_CONTENT_TYPE, WECHAT_ERRMSG } from './wechat-reply.js';
export type { SealedUserInfo, UserProfile } from './user-data-sealer.js';
