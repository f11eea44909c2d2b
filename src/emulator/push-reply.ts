/**
 * Reads a callback's 2xx answer as WeChat does: `success` or an empty body = no reply; otherwise a passive reply in
 * XML — encrypted (`<Encrypt>`, `<MsgSignature>`, `<TimeStamp>`, `<Nonce>`, MsgSignature = sha1(sort([token,
 * TimeStamp, Nonce, Encrypt]))) or, outside safe mode, plain (docs/wechat-api.md §6.4). Anything else would make WeChat
 * show the person "该公众号暂时无法提供服务"; it is recorded as a `replyError` (WeChat does not retry it).
 */
import type { CallbackSettings } from './app-callbacks.js';
import { callbackSignature, decryptMessage } from './msg-crypt.js';
import { xmlField } from './push-xml.js';

export interface ReadReply {
  reply?: string;
  replyError?: string;
}

export function readReply(body: string, settings: CallbackSettings, appid: string): ReadReply {
  if (body === '' || body === 'success') return {};
  const text = body.trim();
  if (!text.startsWith('<') || !text.endsWith('</xml>')) return { replyError: 'the answer is neither success, empty nor an XML reply' };
  const encrypt = xmlField(text, 'Encrypt');
  if (encrypt === undefined) {
    return settings.messageMode === 'safe' ? { reply: text, replyError: 'a plaintext reply in safe mode' } : { reply: text };
  }
  if (settings.encodingAesKey === null || settings.token === null) return { reply: text, replyError: 'an encrypted reply, but the account has no key' };
  const timestamp = xmlField(text, 'TimeStamp') ?? '';
  const nonce = xmlField(text, 'Nonce') ?? '';
  const signatureOk = xmlField(text, 'MsgSignature') === callbackSignature(settings.token, timestamp, nonce, encrypt);
  let decrypted: ReturnType<typeof decryptMessage>;
  try {
    decrypted = decryptMessage({ encodingAesKey: settings.encodingAesKey, encrypt });
  } catch (e) {
    return { replyError: `the encrypted reply does not decrypt: ${(e as Error).message}` };
  }
  if (decrypted.appid !== appid) return { reply: decrypted.message, replyError: `the reply was encrypted for appid ${decrypted.appid}` };
  return signatureOk ? { reply: decrypted.message } : { reply: decrypted.message, replyError: 'the reply MsgSignature does not match' };
}
