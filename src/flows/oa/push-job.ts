/**
 * Which durable job a pushed message or event becomes, and its deduplication key. Every accepted push is recorded
 * as exactly one job whose `dedupKey` identifies the push, so WeChat's retries of it (same MsgId, or for events the
 * same XML again) insert nothing and are answered `success` without further work.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html (排重)
 */
import { createHash } from 'node:crypto';
import type { XmlFields, XmlValue } from '../../wechat/callback/callback-xml.js';
import { isOaEvent, type OaMessage } from '../../wechat/callback/oa-message.js';
import { qrSceneOf } from '../qr-login/qr-scene.js';

/** `cgi-bin/user/info` → unionid → resolve/link, follow state, scan-to-follow completion. */
export const OA_LOOKUP_JOB = 'oa.lookup';
/** The person unfollowed: record it (nothing is deleted). */
export const OA_UNSUBSCRIBE_JOB = 'oa.unsubscribe';
/** An event weunion does not act on (mass-send reports, card events…): the job only records the push (dedup). */
export const OA_EVENT_JOB = 'oa.event';

/** Events a person triggers in the chat (so FromUserName is someone to look up). */
const PERSON_EVENTS = new Set(['subscribe', 'scan', 'location', 'click', 'view']);

export interface OaLookupPayload {
  appid: string;
  openid: string;
  /** `subscribe` always asks WeChat; other pushes only while the identity's unionid is unknown. */
  reason: 'subscribe' | 'scan' | 'message' | 'event';
  /** The push's CreateTime (unix s). */
  createTime: number;
  /** Set when the push is a scan of a scan-to-follow login QR code (`wl_…`). */
  qrScene?: string;
}

export interface OaUnsubscribePayload {
  appid: string;
  openid: string;
  createTime: number;
}

export interface PushJob {
  kind: typeof OA_LOOKUP_JOB | typeof OA_UNSUBSCRIBE_JOB | typeof OA_EVENT_JOB;
  payload: Record<string, unknown>;
  dedupKey: string;
}

/** Every field as one string, keys sorted at each level: the same document always gives the same text. */
function canonical(value: XmlValue | XmlFields): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const fields = value as Readonly<Record<string, XmlValue>>;
  return `{${Object.keys(fields)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(fields[k]!)}`)
    .join(',')}}`;
}

/**
 * `oa:<appid>:msg:<MsgId>` for messages; for events (and the rare message without a MsgId, its MsgType in place of
 * the event) `oa:<appid>:evt:<FromUserName>:<CreateTime>:<Event>:<digest>`, the digest a SHA-256 of every field.
 * WeChat's advice, FromUserName + CreateTime, folds two *different* events of one person in one second (two menu
 * clicks, a SCAN then a CLICK) into one, and the second was lost; a retry resends the same XML, so with the digest
 * retries still collapse while distinct events do not.
 */
export function pushDedupKey(m: OaMessage): string {
  if (!isOaEvent(m) && m.msgId) return `oa:${m.appid}:msg:${m.msgId}`;
  const digest = createHash('sha256').update(canonical(m.fields)).digest('base64url').slice(0, 22);
  return `oa:${m.appid}:evt:${m.fromUserName}:${m.createTime}:${isOaEvent(m) ? m.event : m.msgType}:${digest}`;
}

/**
 * The job a push becomes.
 * @example
 *   const { kind, payload, dedupKey } = planPushJob(message);
 *   await store.enqueueJob({ kind, payload, dedupKey, runAt: now });
 */
export function planPushJob(m: OaMessage): PushJob {
  const dedupKey = pushDedupKey(m);
  const { appid, fromUserName: openid, createTime } = m;
  if (!isOaEvent(m)) {
    return { kind: OA_LOOKUP_JOB, dedupKey, payload: { appid, openid, createTime, reason: 'message' } satisfies OaLookupPayload };
  }
  if (m.event === 'unsubscribe') return { kind: OA_UNSUBSCRIBE_JOB, dedupKey, payload: { appid, openid, createTime } satisfies OaUnsubscribePayload };
  const event = m.event.toLowerCase();
  if (!PERSON_EVENTS.has(event)) return { kind: OA_EVENT_JOB, dedupKey, payload: { appid, event: m.event } };
  const reason: OaLookupPayload['reason'] = event === 'subscribe' ? 'subscribe' : event === 'scan' ? 'scan' : 'event';
  const qrScene = qrSceneOf(m);
  const payload = qrScene ? { appid, openid, createTime, reason, qrScene } : { appid, openid, createTime, reason };
  return { kind: OA_LOOKUP_JOB, dedupKey, payload: payload satisfies OaLookupPayload };
}
