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

export interface OaTextMessage extends OaMessageBase {
  msgType: 'text';
  msgId: string;
  content: string;
}
export interface OaImageMessage extends OaMessageBase {
  msgType: 'image';
  msgId: string;
  picUrl: string;
  mediaId: string;
}
export interface OaVoiceMessage extends OaMessageBase {
  msgType: 'voice';
  msgId: string;
  mediaId: string;
  format: string;
  recognition?: string;
}
export interface OaVideoMessage extends OaMessageBase {
  msgType: 'video' | 'shortvideo';
  msgId: string;
  mediaId: string;
  thumbMediaId: string;
}
export interface OaLocationMessage extends OaMessageBase {
  msgType: 'location';
  msgId: string;
  latitude: number;
  longitude: number;
  scale: number;
  label: string;
}
export interface OaLinkMessage extends OaMessageBase {
  msgType: 'link';
  msgId: string;
  title: string;
  description: string;
  url: string;
}
/** A message type weunion does not model (its fields are in `fields`). */
export interface OaOtherMessage extends OaMessageBase {
  msgType: string;
  msgId?: string;
}

/** `subscribe`: `eventKey` is `qrscene_<scene>` (and `ticket` set) when the person followed by scanning a QR code. */
export interface OaSubscribeEvent extends OaMessageBase {
  msgType: 'event';
  event: 'subscribe';
  eventKey?: string;
  ticket?: string;
}
export interface OaUnsubscribeEvent extends OaMessageBase {
  msgType: 'event';
  event: 'unsubscribe';
}
/** `SCAN`: a follower scanned a parameterised QR code; `eventKey` is the scene (no prefix). */
export interface OaScanEvent extends OaMessageBase {
  msgType: 'event';
  event: 'SCAN';
  eventKey: string;
  ticket?: string;
}
export interface OaLocationEvent extends OaMessageBase {
  msgType: 'event';
  event: 'LOCATION';
  latitude: number;
  longitude: number;
  precision: number;
}
export interface OaMenuEvent extends OaMessageBase {
  msgType: 'event';
  event: 'CLICK' | 'VIEW';
  eventKey: string;
}
/** Any other event (its fields are in `fields`). */
export interface OaOtherEvent extends OaMessageBase {
  msgType: 'event';
  event: string;
  eventKey?: string;
}

export type OaEvent = OaSubscribeEvent | OaUnsubscribeEvent | OaScanEvent | OaLocationEvent | OaMenuEvent | OaOtherEvent;
export type OaMessage = OaTextMessage | OaImageMessage | OaVoiceMessage | OaVideoMessage | OaLocationMessage | OaLinkMessage | OaEvent | OaOtherMessage;

function required(fields: XmlFields, name: string): string {
  const v = xmlText(fields, name);
  if (v === undefined || v === '') throw new AppError('ERR_CALLBACK_XML', { message: `The callback XML has no ${name}.` });
  return v;
}
const opt = (fields: XmlFields, name: string): string | undefined => xmlText(fields, name) || undefined;
const str = (fields: XmlFields, name: string): string => xmlText(fields, name) ?? '';
const num = (fields: XmlFields, name: string): number => Number(xmlText(fields, name) ?? Number.NaN);
const CREATE_TIME = /^\d{1,12}$/;

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
  // Every message is one object literal, never `{ ...base, more }`: on Node 20's V8 a spread followed by more
  // properties takes a slow path, and with literals this function left the top of the callback's profile
  // (BENCH_PROFILE, BENCHMARKS.md).
  const f = fields;
  const createTimeText = required(f, 'CreateTime');
  if (!CREATE_TIME.test(createTimeText)) throw new AppError('ERR_CALLBACK_XML', { message: 'The callback XML has a malformed CreateTime.' });
  const toUserName = required(f, 'ToUserName');
  const fromUserName = required(f, 'FromUserName');
  const createTime = Number(createTimeText);
  const msgType = required(f, 'MsgType');
  if (msgType === 'event') {
    const event = required(f, 'Event');
    switch (event) {
      case 'subscribe': {
        const m: OaSubscribeEvent = { appid, toUserName, fromUserName, createTime, fields, msgType, event };
        const eventKey = opt(f, 'EventKey');
        if (eventKey) m.eventKey = eventKey;
        const ticket = opt(f, 'Ticket');
        if (ticket) m.ticket = ticket;
        return m;
      }
      case 'unsubscribe':
        return { appid, toUserName, fromUserName, createTime, fields, msgType, event };
      case 'SCAN': {
        const m: OaScanEvent = { appid, toUserName, fromUserName, createTime, fields, msgType, event, eventKey: str(f, 'EventKey') };
        const ticket = opt(f, 'Ticket');
        if (ticket) m.ticket = ticket;
        return m;
      }
      case 'LOCATION':
        return {
          appid,
          toUserName,
          fromUserName,
          createTime,
          fields,
          msgType,
          event,
          latitude: num(f, 'Latitude'),
          longitude: num(f, 'Longitude'),
          precision: num(f, 'Precision'),
        };
      case 'CLICK':
      case 'VIEW':
        return { appid, toUserName, fromUserName, createTime, fields, msgType, event, eventKey: str(f, 'EventKey') };
      default: {
        const m: OaOtherEvent = { appid, toUserName, fromUserName, createTime, fields, msgType, event };
        const eventKey = opt(f, 'EventKey');
        if (eventKey) m.eventKey = eventKey;
        return m;
      }
    }
  }
  const msgId = opt(f, 'MsgId') ?? '';
  switch (msgType) {
    case 'text':
      return { appid, toUserName, fromUserName, createTime, fields, msgType, msgId, content: str(f, 'Content') };
    case 'image':
      return { appid, toUserName, fromUserName, createTime, fields, msgType, msgId, picUrl: str(f, 'PicUrl'), mediaId: str(f, 'MediaId') };
    case 'voice': {
      const m: OaVoiceMessage = { appid, toUserName, fromUserName, createTime, fields, msgType, msgId, mediaId: str(f, 'MediaId'), format: str(f, 'Format') };
      const recognition = opt(f, 'Recognition');
      if (recognition) m.recognition = recognition;
      return m;
    }
    case 'video':
    case 'shortvideo':
      return { appid, toUserName, fromUserName, createTime, fields, msgType, msgId, mediaId: str(f, 'MediaId'), thumbMediaId: str(f, 'ThumbMediaId') };
    case 'location':
      return {
        appid,
        toUserName,
        fromUserName,
        createTime,
        fields,
        msgType,
        msgId,
        latitude: num(f, 'Location_X'),
        longitude: num(f, 'Location_Y'),
        scale: num(f, 'Scale'),
        label: str(f, 'Label'),
      };
    case 'link':
      return {
        appid,
        toUserName,
        fromUserName,
        createTime,
        fields,
        msgType,
        msgId,
        title: str(f, 'Title'),
        description: str(f, 'Description'),
        url: str(f, 'Url'),
      };
    default: {
      const m: OaOtherMessage = { appid, toUserName, fromUserName, createTime, fields, msgType };
      if (msgId) m.msgId = msgId;
      return m;
    }
  }
}
