/**
 * The XML WeChat pushes to an official account's callback, and the envelopes of the three message modes
 * (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html,
 * .../Receiving_event_pushes.html, .../Message_encryption_and_decryption_instructions.html; docs/wechat-api.md §6.2–§6.3).
 * Text goes in CDATA sections, numbers bare, fields in WeChat's order.
 */

/** How an account receives pushes: plaintext, plaintext plus `Encrypt` (migration), or `Encrypt` only. */
export type MessageMode = 'plain' | 'compatible' | 'safe';
export const MESSAGE_MODES = ['plain', 'compatible', 'safe'] as const;

/** A CDATA section; a `]]>` inside is split across two sections, as XML requires. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

interface Common {
  /** The account's original id (`gh_…`). */
  toUser: string;
  /** The person's openid. */
  fromUser: string;
  /** Unix seconds. */
  createTime: number;
}

/** An event push: subscribe (EventKey `qrscene_<scene>` + Ticket after a QR scan), unsubscribe, SCAN. */
export function eventXml(e: Common & { event: string; eventKey?: string | undefined; ticket?: string | undefined }): string {
  return (
    `<xml><ToUserName>${cdata(e.toUser)}</ToUserName><FromUserName>${cdata(e.fromUser)}</FromUserName>` +
    `<CreateTime>${e.createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(e.event)}</Event>` +
    (e.eventKey === undefined ? '' : `<EventKey>${cdata(e.eventKey)}</EventKey>`) +
    (e.ticket === undefined ? '' : `<Ticket>${cdata(e.ticket)}</Ticket>`) +
    '</xml>'
  );
}

/** A text message push (MsgId: a 64-bit integer, in decimal). */
export function textXml(m: Common & { content: string; msgId: string }): string {
  return (
    `<xml><ToUserName>${cdata(m.toUser)}</ToUserName><FromUserName>${cdata(m.fromUser)}</FromUserName>` +
    `<CreateTime>${m.createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(m.content)}</Content>` +
    `<MsgId>${m.msgId}</MsgId></xml>`
  );
}

/** The body sent in `mode`: the XML itself; the XML with `<Encrypt>` added; or only ToUserName and Encrypt. */
export function envelope(mode: MessageMode, xml: string, toUser: string, encrypt: string | null): string {
  if (mode === 'plain') return xml;
  if (encrypt === null) throw new TypeError(`envelope: ${mode} mode needs the Encrypt text`);
  if (mode === 'compatible') return xml.replace(/<\/xml>$/, `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`);
  return `<xml><ToUserName>${cdata(toUser)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
}

/** The text of the first `<name>` element of a flat WeChat XML (CDATA or bare), or undefined. Enough for replies. */
export function xmlField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${name}>`).exec(xml);
  if (m === null) return undefined;
  return m[1] ?? m[2] ?? '';
}
