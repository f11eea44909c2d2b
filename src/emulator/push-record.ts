/** What the push simulator records of each push and each attempt (`GET /__emulator/pushes`). */
import type { MessageMode } from './push-xml.js';

/** The pushes the emulator makes: the event name (case as on the wire) or the message type. */
export type PushKind = 'subscribe' | 'unsubscribe' | 'SCAN' | 'text';

/** One try at delivering a push. */
export interface PushAttempt {
  /** Virtual time the try was sent (epoch ms). */
  at: number;
  /** The HTTP status of the answer; null when none came (timeout, connection error). */
  status: number | null;
  /** The answer's body as received; null when none came. */
  body: string | null;
  /** Real milliseconds the try took. */
  ms: number;
  /** Why the try failed: `timeout`, `connection error: …`, `HTTP 500`, `cancelled`. Absent when answered. */
  error?: string;
  /** What was sent: the query parameters (signature, timestamp, nonce, openid[, encrypt_type, msg_signature]) and body. */
  sent: { query: Record<string, string>; body: string };
  /** The passive reply as XML (decrypted when it came encrypted); absent for `success` / an empty body. */
  reply?: string;
  /** Why an answered body is not a valid passive reply (unparseable, bad MsgSignature, wrong appid…). */
  replyError?: string;
}

/** One push and its tries. */
export interface PushRecord {
  id: string;
  appid: string;
  /** The emulator person id. */
  person: string;
  openid: string;
  kind: PushKind;
  /** The CreateTime in the XML (unix seconds): the same on every try. */
  createTime: number;
  /** The MsgId of a message (the same on every try); null for events. */
  msgId: string | null;
  /** The plaintext XML (before encryption). */
  xml: string;
  mode: MessageMode;
  callbackUrl: string;
  attempts: PushAttempt[];
  /** True once answered or out of tries (or cancelled). */
  done: boolean;
  /** True when some try got a 2xx answer. */
  answered: boolean;
  /** The passive reply of the answering try, if it held one. */
  reply: string | null;
}

/** A deep copy, so callers cannot change the record. */
export function copyPush(p: PushRecord): PushRecord {
  return { ...p, attempts: p.attempts.map((a) => ({ ...a, sent: { query: { ...a.sent.query }, body: a.sent.body } })) };
}
