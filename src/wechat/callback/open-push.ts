/**
 * Authenticating and opening one official-account push (docs/wechat-api.md §6.2–§6.3): `signature` always,
 * the timestamp window, then in compatible/safe mode (`encrypt_type=aes`) `msg_signature` over the `Encrypt` text
 * and its decryption (current, then previous EncodingAESKey; the trailing appid checked); last, the ToUserName
 * against the account's original id when one is configured. Pure: no I/O.
 * https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.html
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { signaturesEqual } from '../crypto/callback-signature.js';
import { callbackSignature } from '../crypto/callback-signature.js';
import { createMessageCrypt, type MessageCrypt, type MessageKey } from '../crypto/msg-crypt.js';
import type { CallbackAccount } from './callback-account.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import { parseCallbackXml, xmlText, type XmlFieldsParser } from './callback-xml.js';
import { toOaMessage, type OaMessage } from './oa-message.js';

/** The query WeChat signs every push (and the URL verification) with. */
export const pushQuery = z.object({
  signature: z.string().max(128),
  timestamp: z.string().regex(/^\d{1,12}$/, 'digits'),
  nonce: z.string().min(1).max(64),
  openid: z.string().max(128).optional(),
  encrypt_type: z.enum(['aes', 'raw']).optional(),
  msg_signature: z.string().max(128).optional(),
});
export type PushQuery = z.output<typeof pushQuery>;

export interface OpenedPush {
  message: OaMessage;
  /** The push came encrypted (compatible or safe mode): a passive reply must be encrypted too. */
  encrypted: boolean;
  /** Which EncodingAESKey opened it (when encrypted): the reply uses the same one. */
  key?: MessageKey;
}

export interface OpenPushInput {
  app: CallbackAccount;
  query: unknown;
  body: string;
  nowMs: number;
  windowSeconds: number;
  /** The app's MessageCrypt (cached by the caller); built on demand when absent. */
  crypt?: MessageCrypt;
  parseXml?: XmlFieldsParser;
}

/** Checks the plain `signature` of a push or URL verification; ERR_CALLBACK_SIGNATURE when it does not match. */
export function checkSignature(token: string, q: { signature: string; timestamp: string; nonce: string }): void {
  if (!signaturesEqual(callbackSignature(token, q.timestamp, q.nonce), q.signature)) {
    throw new AppError('ERR_CALLBACK_SIGNATURE', { details: { param: 'signature' } });
  }
}

/**
 * The timestamp window, for pushes and the URL verification alike: the signature covers the timestamp, so a replay
 * cannot move it; outside the window it is stale (or forged). ERR_CALLBACK_TIMESTAMP.
 */
export function checkTimestamp(timestamp: string, nowMs: number, windowSeconds: number): void {
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > windowSeconds) throw new AppError('ERR_CALLBACK_TIMESTAMP');
}

/**
 * The push must be addressed to this account: with `originalId` configured, a ToUserName that differs is refused
 * (ERR_CALLBACK_RECIPIENT). Accounts often share one Token, and a plain-mode push is signed only by the Token, so a
 * push captured on one account's URL would otherwise be accepted, signature and all, on another's.
 */
function checkRecipient(app: CallbackAccount, message: OaMessage): OaMessage {
  if (app.originalId !== undefined && message.toUserName !== app.originalId) {
    throw new AppError('ERR_CALLBACK_RECIPIENT', { details: { field: 'ToUserName' } });
  }
  return message;
}

/** The app's MessageCrypt; ERR_CALLBACK_NOT_CONFIGURED when it has no EncodingAESKey. */
export function messageCryptFor(app: CallbackAccount): MessageCrypt {
  if (!app.encodingAesKey) {
    throw new AppError('ERR_CALLBACK_NOT_CONFIGURED', {
      message: `The official account ${app.appid} sent an encrypted push but has no encodingAesKey configured.`,
    });
  }
  return createMessageCrypt({ token: app.token, encodingAesKey: app.encodingAesKey, previousEncodingAesKey: app.previousEncodingAesKey, appid: app.appid });
}

/**
 * Verifies and opens a push; throws AppError (ERR_VALIDATION, ERR_CALLBACK_SIGNATURE, ERR_CALLBACK_TIMESTAMP,
 * ERR_CALLBACK_XML(_DOCTYPE), ERR_CALLBACK_DECRYPT, ERR_CALLBACK_APPID, ERR_CALLBACK_RECIPIENT,
 * ERR_CALLBACK_NOT_CONFIGURED).
 * @example
 *   const { message, encrypted, key } = openPush({ app, query: request.query, body, nowMs: clock.now(), windowSeconds: 300 });
 */
export function openPush(input: OpenPushInput): OpenedPush {
  const { app } = input;
  const parseXml = input.parseXml ?? parseCallbackXml;
  const q = parseOrThrow(pushQuery, input.query, 'query');
  checkSignature(app.token, q);
  checkTimestamp(q.timestamp, input.nowMs, input.windowSeconds);

  const mode = app.callbackMode ?? (app.encodingAesKey ? 'safe' : 'plain');
  if (q.encrypt_type !== 'aes' && mode !== 'plain') throw new AppError('ERR_CALLBACK_MODE');

  const outer = parseXml(input.body);
  if (q.encrypt_type !== 'aes') return { message: checkRecipient(app, toOaMessage(app.appid, outer)), encrypted: false };

  const encrypt = xmlText(outer, 'Encrypt');
  if (!encrypt) throw new AppError('ERR_CALLBACK_XML', { message: 'An encrypted push (encrypt_type=aes) has no Encrypt element.' });
  const crypt = input.crypt ?? messageCryptFor(app);
  if (!crypt.verify({ signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypt })) {
    throw new AppError('ERR_CALLBACK_SIGNATURE', {
      message: 'The callback msg_signature does not match the Encrypt text.',
      details: { param: 'msg_signature' },
    });
  }
  const { xml, key } = crypt.decryptWithKey(encrypt);
  // In compatible mode the outer XML repeats the fields in clear; only the authenticated, decrypted copy is used.
  return { message: checkRecipient(app, toOaMessage(app.appid, parseXml(xml))), encrypted: true, key };
}
