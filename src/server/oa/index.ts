/** The official-account callback surface for library users: hooks, typed messages, passive replies, safe XML parsing. */
export { createCallbackHooks, type CallbackHooks, type CallbackHooksOptions, type HookLogger, type OaHook, type OaHookMap } from './callback-hooks.js';
export { parseCallbackXml, xmlText, type XmlFields, type XmlFieldsParser, type XmlValue } from './callback-xml.js';
export {
  isOaEvent,
  toOaMessage,
  type OaEvent,
  type OaImageMessage,
  type OaLinkMessage,
  type OaLocationEvent,
  type OaLocationMessage,
  type OaMenuEvent,
  type OaMessage,
  type OaMessageBase,
  type OaOtherEvent,
  type OaOtherMessage,
  type OaScanEvent,
  type OaSubscribeEvent,
  type OaTextMessage,
  type OaUnsubscribeEvent,
  type OaVideoMessage,
  type OaVoiceMessage,
} from './oa-message.js';
export { buildReplyXml, checkPassiveReply, type PassiveReply } from './passive-reply.js';
export { openPush, checkSignature, type OpenedPush, type OpenPushInput } from './open-push.js';
export { planPushJob, pushDedupKey, OA_LOOKUP_JOB, OA_UNSUBSCRIBE_JOB, OA_EVENT_JOB, type OaLookupPayload, type OaUnsubscribePayload } from './push-job.js';
export { createQrLogin, readQrLogin, type CreatedQrLogin, type QrLoginState, type QrLoginStatus } from './qr-login-flow.js';
