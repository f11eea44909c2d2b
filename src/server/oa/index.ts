/** The official-account callback surface for library users: hooks, typed messages, passive replies, safe XML parsing. */
export { createCallbackHooks, type CallbackHooks, type CallbackHooksOptions, type HookLogger, type OaHook, type OaHookMap } from './callback-hooks.js';
export * from '../../wechat/callback/index.js';
export { planPushJob, pushDedupKey, OA_LOOKUP_JOB, OA_UNSUBSCRIBE_JOB, OA_EVENT_JOB, type OaLookupPayload, type OaUnsubscribePayload } from './push-job.js';
export { createQrLogin, readQrLogin, type CreatedQrLogin, type QrLoginState, type QrLoginStatus } from './qr-login-flow.js';
