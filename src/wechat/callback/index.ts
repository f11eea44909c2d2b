/** The official-account callback protocol: safe XML reading, typed messages, push opening, passive replies. */
export type { CallbackAccount } from './callback-account.js';
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
export { checkSignature, messageCryptFor, openPush, pushQuery, type OpenedPush, type OpenPushInput, type PushQuery } from './open-push.js';
