import { createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesKeyOf, callbackSignature, decryptMessage, encryptMessage } from '../../src/emulator/msg-crypt.js';
import { V67 } from './vector-6-7.js';

describe('emulator msg-crypt (WXBizMsgCrypt, docs/wechat-api.md §6.7)', () => {
  it('aesKeyOf() decodes the EncodingAESKey plus "=" to the documented 32-byte key', () => {
    expect(aesKeyOf(V67.encodingAesKey).toString('hex')).toBe(V67.aesKeyHex);
    expect(() => aesKeyOf('short')).toThrow(TypeError);
    expect(() => aesKeyOf(`${V67.encodingAesKey.slice(0, 42)}+`)).toThrow(TypeError);
  });

  it('encryptMessage() reproduces the vector Encrypt exactly from the fixed random prefix', () => {
    const encrypt = encryptMessage({ encodingAesKey: V67.encodingAesKey, appid: V67.appid, message: V67.plaintext, random: Buffer.from(V67.random) });
    expect(encrypt).toBe(V67.encrypt);
  });

  it('encryptMessage() pads to a multiple of 32 by hand: the vector pad byte is 28 (> 16)', () => {
    const key = Buffer.from(V67.aesKeyHex, 'hex');
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([d.update(Buffer.from(V67.encrypt, 'base64')), d.final()]);
    expect(plain.length % 32).toBe(0);
    expect(plain[plain.length - 1]).toBe(28);
    expect(plain.subarray(plain.length - 28).every((b) => b === 28)).toBe(true);
    // Node's default 16-byte unpadding would refuse this ciphertext: the pitfall the hand padding avoids.
    const strict = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    expect(() => Buffer.concat([strict.update(Buffer.from(V67.encrypt, 'base64')), strict.final()])).toThrow();
  });

  it('encryptMessage() adds a whole 32-byte block of padding when the plaintext already fills blocks', () => {
    // 16 random + 4 length + 8 msg + 4 appid = 32 bytes → pad 32.
    const encrypt = encryptMessage({ encodingAesKey: V67.encodingAesKey, appid: 'wxab', message: '12345678', random: Buffer.alloc(16, 1) });
    expect(Buffer.from(encrypt, 'base64')).toHaveLength(64);
    expect(decryptMessage({ encodingAesKey: V67.encodingAesKey, encrypt })).toEqual({ message: '12345678', appid: 'wxab' });
  });

  it('decryptMessage() returns the vector XML and the trailing appid', () => {
    expect(decryptMessage({ encodingAesKey: V67.encodingAesKey, encrypt: V67.encrypt })).toEqual({ message: V67.plaintext, appid: V67.appid });
  });

  it('decryptMessage() round-trips UTF-8 text and throws on a wrong key or a truncated ciphertext', () => {
    const message = '<xml><Content><![CDATA[你好, ]]]]><![CDATA[> world]]></Content></xml>';
    const encrypt = encryptMessage({ encodingAesKey: V67.encodingAesKey, appid: V67.appid, message, random: Buffer.alloc(16, 7) });
    expect(decryptMessage({ encodingAesKey: V67.encodingAesKey, encrypt }).message).toBe(message);
    expect(() => decryptMessage({ encodingAesKey: 'B'.repeat(43), encrypt })).toThrow();
    expect(() => decryptMessage({ encodingAesKey: V67.encodingAesKey, encrypt: encrypt.slice(0, 10) })).toThrow();
    expect(() => encryptMessage({ encodingAesKey: V67.encodingAesKey, appid: V67.appid, message, random: Buffer.alloc(15) })).toThrow(TypeError);
  });

  it('callbackSignature() gives the vector signature and msg_signature', () => {
    expect(callbackSignature(V67.token, V67.timestamp, V67.nonce)).toBe(V67.signature);
    expect(callbackSignature(V67.token, V67.timestamp, V67.nonce, V67.encrypt)).toBe(V67.msgSignature);
    // The other official GET vector (docs/wechat-api.md §6.1).
    expect(callbackSignature('AAAAA', '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
    // Independently: sha1 over the lexicographically sorted parts.
    const manual = createHash('sha1').update([V67.token, V67.timestamp, V67.nonce, V67.encrypt].sort().join('')).digest('hex');
    expect(manual).toBe(V67.msgSignature);
  });
});
