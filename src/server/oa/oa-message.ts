/**
 * Typed official-account messages and events, built from the fields of a pushed XML document.
 * Messages: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 * Events: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
 */
import { AppError } from '../../errors.js';
import { xmlText, type XmlFields } from './callback-xml.js';

/** What every push carries. */
export interface OaMessageBase {
  /** Our appid of the official account the push was sent to. */
  appid: string;
  /** The account's original id (`gh_…`). */
  toUserName: string;
  /** The person's openid in this official account. */
  fromUserName: string;
  /** Unix seconds. */
  createTime: number;
  /** Every top-level field as pushed (for types weunion does not model). */
  fields: XmlFields;
}

export interface OaTextMessage extends OaMessageBase { msgType: 'text'; msgId: string; content: string }
export interface OaImageMessage extends OaMessageBase { msgType: 'image'; msgId: string; picUrl: string; mediaId: string }
export interface OaVoiceMessage extends OaMessageBase { msgType: 'voice'; msgId: string; mediaId: string; format: string; recognition?: string }
export interface OaVideoMessage extends OaMessageBase { msgType: 'video' | 'shortvideo'; msgId: string; mediaId: string; thumbMediaId: string }
export interface OaLocationMessage extends OaMessageBase {
  msgType: 'location';
  msgId: string;
  latitude: number;
  longitude: number;
  scale: number;
  label: string;
}
export interface OaLinkMessage extends OaMessageBase { msgType: 'link'; msgId: string; title: string; description: string; url: string }
/** A message type weunion does not model (its fields are in `fields`). */
export interface OaOtherMessage extends OaMessageBase { msgType: string; msgId?: string }

/** `subscribe`: `eventKey` is `qrscene_<scene>` (and `ticket` set) when the person followed by scanning a QR code. */
export interface OaSubscribeEvent extends OaMessageBase { msgType: 'event'; event: 'subscribe'; eventKey?: string; ticket?: string }
export interface OaUnsubscribeEvent extends OaMessageBase { msgType: 'event'; event: 'unsubscribe' }
/** `SCAN`: a follower scanned a parameterised QR code; `eventKey` is the scene (no prefix). */
export interface OaScanEvent extends OaMessageBase { msgType: 'event'; event: 'SCAN'; eventKey: string; ticket?: string }
export interface OaLocationEvent extends OaMessageBase { msgType: 'event'; event: 'LOCATION'; latitude: number; longitude: number; precision: number }
export interface OaMenuEvent extends OaMessageBase { msgType: 'event'; event: 'CLICK' | 'VIEW'; eventKey: string }
/** Any other event (its fields are in `fields`). */
export interface OaOtherEvent extends OaMessageBase { msgType: 'event'; event: string; eventKey?: string }

export type OaEvent = OaSubscribeEvent | OaUnsubscribeEvent | OaScanEvent | OaLocationEvent | OaMenuEvent | OaOtherEvent;
export type OaMessage =
  | OaTextMessage
  | OaImageMessage
  | OaVoiceMessage
  | OaVideoMessage
  | OaLocationMessage
  | OaLinkMessage
  | OaEvent
  | OaOtherMessage;

/** True for pushes with `MsgType=event`. */
export function isOaEvent(m: OaMessage): m is OaEvent {
  return m.msgType === 'event' && 'event' in m;
}

/**
 * Builds the typed message; ERR_CALLBACK_XML when a field every push carries is missing or malformed.
 * @example
 *   const m = toOaMessage('wx…', parseCallbackXml(xml));
 *   if (isOaEvent(m) && m.event === 'subscribe') …
 */
export function toOaMessage(appid: string, fields: XmlFields): OaMessage {
  const required = (name: string): string => {
    const v = xmlText(fields, name);
    if (v === undefined || v === '') throw new AppError('ERR_CALLBACK_XML', { message: `The callback XML has no ${name}.` });
    return v;
  };
  const opt = (name: string): string | undefined => xmlText(fields, name) || undefined;
  const str = (name: string): string => xmlText(fields, name) ?? '';
  const num = (name: string): number => Number(xmlText(fields, name) ?? Number.NaN);

  const createTimeText = required('CreateTime');
  if (!/^\d{1,12}$/.test(createTimeText)) throw new AppError('ERR_CALLBACK_XML', { message: 'The callback XML has a malformed CreateTime.' });
  const base: OaMessageBase = {
    appid,
    toUserName: required('ToUserName'),
    fromUserName: required('FromUserName'),
    createTime: Number(createTimeText),
    fields,
  };
  const msgType = required('MsgType');
  if (msgType === 'event') {
    const event = required('Event');
    const withKey = { ...base, msgType, event, ...(opt('EventKey') ? { eventKey: opt('EventKey') } : {}) };
    switch (event) {
      case 'subscribe':
        return { ...withKey, event, ...(opt('Ticket') ? { ticket: opt('Ticket') } : {}) } as OaSubscribeEvent;
      case 'unsubscribe':
        return { ...base, msgType, event };
      case 'SCAN':
        return { ...base, msgType, event, eventKey: str('EventKey'), ...(opt('Ticket') ? { ticket: opt('Ticket') } : {}) } as OaScanEvent;
      case 'LOCATION':
        return { ...base, msgType, event, latitude: num('Latitude'), longitude: num('Longitude'), precision: num('Precision') };
      case 'CLICK':
      case 'VIEW':
        return { ...base, msgType, event, eventKey: str('EventKey') };
      default:
        return withKey as OaOtherEvent;
    }
  }
  const msgId = opt('MsgId');
  const withId = { ...base, ...(msgId ? { msgId } : {}) };
  switch (msgType) {
    case 'text':
      return { ...withId, msgType, msgId: msgId ?? '', content: str('Content') };
    case 'image':
      return { ...withId, msgType, msgId: msgId ?? '', picUrl: str('PicUrl'), mediaId: str('MediaId') };
    case 'voice':
      return { ...withId, msgType, msgId: msgId ?? '', mediaId: str('MediaId'), format: str('Format'), ...(opt('Recognition') ? { recognition: str('Recognition') } : {}) };
    case 'video':
    case 'shortvideo':
      return { ...withId, msgType, msgId: msgId ?? '', mediaId: str('MediaId'), thumbMediaId: str('ThumbMediaId') };
    case 'location':
      return { ...withId, msgType, msgId: msgId ?? '', latitude: num('Location_X'), longitude: num('Location_Y'), scale: num('Scale'), label: str('Label') };
    case 'link':
      return { ...withId, msgType, msgId: msgId ?? '', title: str('Title'), description: str('Description'), url: str('Url') };
    default:
      return { ...withId, msgType };
  }
}
