import { createCipheriv, createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callbackSignature, signaturesEqual } from '../../../src/wechat/crypto/callback-signature.js';
import { createMessageCrypt, type MessageCrypt } from '../../../src/wechat/crypto/msg-crypt.js';
import { thrown } from '../../helpers/expect-error.js';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/msg-crypt.json', import.meta.url), 'utf8'));
const v67 = vectors.messages[0];
const wp = vectors.wechatpy;

const KEY = v67.encodingAesKey as string;
const OTHER_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const APPID = v67.appid as string;
const crypt = createMessageCrypt({ token: v67.token, encodingAesKey: KEY, appid: APPID });

/** Encrypts raw plaintext bytes (no padding added) the way WeChat would, to forge malformed messages. */
function sealRaw(encodingAesKey: string, plain: Buffer): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function openRaw(encodingAesKey: string, encrypt: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()]);
}

/** random ‖ len ‖ msg ‖ appid, with a caller-chosen tail instead of a correct pad. */
function body(msg: string, appid = APPID, declaredLength?: number): Buffer {
  const m = Buffer.from(msg);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declaredLength ?? m.length);
  return Buffer.concat([Buffer.from('0123456789abcdef'), len, m, Buffer.from(appid)]);
}

describe('callbackSignature() / MessageCrypt.signature()', () => {
  for (const s of vectors.signatures) {
    it(`matches the ${s.origin} vector (${s.timestamp}/${s.nonce})`, () => {
      expect(callbackSignature(s.token, s.timestamp, s.nonce, s.encrypt)).toBe(s.signature);
      const c = createMessageCrypt({ token: s.token, encodingAesKey: KEY, appid: APPID });
      expect(c.signature(s.timestamp, s.nonce, s.encrypt)).toBe(s.signature);
      expect(c.verify({ signature: s.signature, timestamp: s.timestamp, nonce: s.nonce, encrypt: s.encrypt })).toBe(true);
    });
  }

  it('accepts a numeric timestamp', () => {
    expect(crypt.signature(1714037059, '486452656')).toBe(v67.signature);
  });
});

describe('MessageCrypt.verify()', () => {
  it('is false for a changed nonce, timestamp, Encrypt text or signature', () => {
    const ok = { signature: v67.msgSignature, timestamp: v67.timestamp, nonce: v67.nonce, encrypt: v67.encrypt };
    expect(crypt.verify(ok)).toBe(true);
    expect(crypt.verify({ ...ok, nonce: '486452657' })).toBe(false);
    expect(crypt.verify({ ...ok, timestamp: '1714037060' })).toBe(false);
    expect(crypt.verify({ ...ok, encrypt: `A${v67.encrypt.slice(1)}` })).toBe(false);
    expect(crypt.verify({ ...ok, signature: v67.signature })).toBe(false);
    expect(crypt.verify({ ...ok, signature: v67.msgSignature.toUpperCase() })).toBe(false);
  });

  it('is false when any one character of the signature differs, at every position', () => {
    const ok = { signature: v67.msgSignature, timestamp: v67.timestamp, nonce: v67.nonce, encrypt: v67.encrypt };
    for (let i = 0; i < ok.signature.length; i++) {
      for (const c of ['0', 'f', 'g', 'F', '\u0000', '\u0130']) {
        const changed = ok.signature.slice(0, i) + c + ok.signature.slice(i + 1);
        if (changed !== ok.signature) expect(crypt.verify({ ...ok, signature: changed })).toBe(false);
      }
    }
    expect(signaturesEqual(ok.signature, ok.signature.slice())).toBe(true);
    expect(signaturesEqual(ok.signature, ok.signature.slice(0, -1))).toBe(false);
  });

  it('is false (never throws) for malformed network input', () => {
    const base = { signature: v67.signature, timestamp: v67.timestamp, nonce: v67.nonce };
    expect(crypt.verify(base)).toBe(true);
    for (const bad of [undefined, null, 42, ['x'], '', 'é'.repeat(40), `${v67.signature}0`]) {
      expect(crypt.verify({ ...base, signature: bad })).toBe(false);
    }
    expect(crypt.verify({ ...base, timestamp: undefined })).toBe(false);
    expect(crypt.verify({ ...base, nonce: ['1', '2'] })).toBe(false);
    expect(crypt.verify({ ...base, encrypt: 5 })).toBe(false);
  });
});

describe('MessageCrypt.encrypt() / decrypt() on the vectors', () => {
  it('reproduces §6.7 exactly with random 0123456789abcdef (pad 28 > 16), and decrypts it back', () => {
    expect(crypt.encrypt(v67.plaintext, { random: v67.random })).toBe(v67.encrypt);
    expect(crypt.encrypt(v67.plaintext, { random: Buffer.from(v67.random) })).toBe(v67.encrypt);
    const plain = openRaw(KEY, v67.encrypt);
    expect(plain[plain.length - 1]).toBe(v67.padByte);
    expect(crypt.decrypt(v67.encrypt)).toBe(v67.plaintext);
    expect(crypt.decryptWithKey(v67.encrypt)).toEqual({ xml: v67.plaintext, key: 'current' });
    expect(crypt.signature(v67.timestamp, v67.nonce, v67.encrypt)).toBe(v67.msgSignature);
    expect(crypt.signature(v67.timestamp, v67.nonce)).toBe(v67.signature);
  });

  it("decrypts wechatpy's published message after checking its msg_signature", () => {
    const c = createMessageCrypt({ token: wp.token, encodingAesKey: wp.encodingAesKey, appid: wp.appid });
    const d = wp.decrypt;
    expect(c.verify({ signature: d.msgSignature, timestamp: d.timestamp, nonce: d.nonce, encrypt: d.encrypt })).toBe(true);
    const xml = c.decrypt(d.encrypt);
    for (const part of d.contains) expect(xml).toContain(part);
  });

  it("reproduces wechatpy's encrypted reply byte for byte (MsgSignature 407518b7…)", () => {
    const c = createMessageCrypt({ token: wp.token, encodingAesKey: wp.encodingAesKey, appid: wp.appid });
    const e = wp.encrypt;
    const reply = c.encryptedReply(e.reply, { timestamp: e.timestamp, nonce: e.nonce, random: e.random });
    expect(reply).toBe(e.expected);
    expect(reply).toContain('<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>');
    const text = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(reply)![1]!;
    expect(c.decrypt(text)).toBe(e.reply);
  });

  it('round-trips UTF-8 text of every padding length, with the injected random source', () => {
    const c = createMessageCrypt({ token: 't0k', encodingAesKey: KEY, appid: APPID, random: (n) => Buffer.alloc(n, 7) });
    for (let n = 0; n < 70; n++) {
      const xml = `<xml>${'你'.repeat(n % 5)}${'x'.repeat(n)}</xml>`;
      const enc = c.encrypt(xml);
      expect(openRaw(KEY, enc).subarray(0, 16)).toEqual(Buffer.alloc(16, 7));
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(c.decrypt(enc)).toBe(xml);
    }
  });

  it('encryptedReply() signs over its own Encrypt text and rejects values that would break the XML', () => {
    const reply = crypt.encryptedReply('<xml/>', { timestamp: 1714037059, nonce: 'abc123' });
    const [, text, sig, ts, nonce] =
      /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>\n<MsgSignature><!\[CDATA\[(.*)\]\]><\/MsgSignature>\n<TimeStamp>(.*)<\/TimeStamp>\n<Nonce><!\[CDATA\[(.*)\]\]><\/Nonce>/.exec(
        reply,
      )!;
    expect(crypt.verify({ signature: sig, timestamp: ts, nonce, encrypt: text })).toBe(true);
    expect(crypt.decrypt(text!)).toBe('<xml/>');
    expect(() => crypt.encryptedReply('<xml/>', { timestamp: '1]]>', nonce: 'a' })).toThrow(TypeError);
    expect(() => crypt.encryptedReply('<xml/>', { timestamp: '1', nonce: 'a]]><x>' })).toThrow(TypeError);
  });
});

describe('MessageCrypt.decrypt() rejects', () => {
  const reason = (enc: string, c: MessageCrypt = crypt) => {
    const e = thrown(() => c.decrypt(enc));
    return e.code === 'ERR_CALLBACK_DECRYPT' ? `${e.code}:${String(e.details?.reason)}` : e.code;
  };

  it('a pad byte above 32', () => {
    const b = body('<xml/>');
    const fill = 64 - (b.length % 32);
    expect(reason(sealRaw(KEY, Buffer.concat([b, Buffer.alloc(fill, 33)])))).toBe('ERR_CALLBACK_DECRYPT:padding');
  });

  it('a pad byte of 0', () => {
    const b = body('<xml/>');
    expect(reason(sealRaw(KEY, Buffer.concat([b, Buffer.alloc(32 - (b.length % 32), 0)])))).toBe('ERR_CALLBACK_DECRYPT:padding');
  });

  it('pad bytes that disagree with the last one', () => {
    const b = body('<xml/>');
    const n = 32 - (b.length % 32);
    expect(n).toBeGreaterThan(2);
    const pad = Buffer.alloc(n, n);
    pad[0] = n - 1;
    expect(reason(sealRaw(KEY, Buffer.concat([b, pad])))).toBe('ERR_CALLBACK_DECRYPT:padding');
  });

  it('a pad longer than the whole message is not accepted as valid', () => {
    // 32 bytes of 0x20 is a valid pad of an empty body: the length field is then missing.
    expect(reason(sealRaw(KEY, Buffer.alloc(32, 32)))).toBe('ERR_CALLBACK_DECRYPT:length-field');
  });

  it('a length field pointing beyond the buffer', () => {
    const b = body('<xml/>', APPID, 4096);
    const n = 32 - (b.length % 32);
    expect(reason(sealRaw(KEY, Buffer.concat([b, Buffer.alloc(n, n)])))).toBe('ERR_CALLBACK_DECRYPT:length-field');
    const huge = body('<xml/>', APPID, 0xffffffff);
    expect(reason(sealRaw(KEY, Buffer.concat([huge, Buffer.alloc(32 - (huge.length % 32), 32 - (huge.length % 32))])))).toBe(
      'ERR_CALLBACK_DECRYPT:length-field',
    );
  });

  it('a message sealed for another appid (sample error -40005)', () => {
    const other = createMessageCrypt({ token: 'AAAAA', encodingAesKey: KEY, appid: 'wx0000000000000000' });
    expect(reason(other.encrypt('<xml/>'))).toBe('ERR_CALLBACK_APPID');
    // A length field one short moves a byte of the message into the trailer: also not our appid.
    const b = body('<xml/>', APPID, 5);
    expect(reason(sealRaw(KEY, Buffer.concat([b, Buffer.alloc(32 - (b.length % 32), 32 - (b.length % 32))])))).toBe('ERR_CALLBACK_APPID');
  });

  it('a message sealed with another key', () => {
    const other = createMessageCrypt({ token: 'AAAAA', encodingAesKey: OTHER_KEY, appid: APPID });
    const enc = other.encrypt(v67.plaintext, { random: v67.random });
    expect(['ERR_CALLBACK_DECRYPT:padding', 'ERR_CALLBACK_DECRYPT:length-field']).toContain(reason(enc));
  });

  it('truncated ciphertexts', () => {
    const raw = Buffer.from(v67.encrypt, 'base64');
    expect(reason(raw.subarray(0, raw.length - 16).toString('base64'))).toMatch(/^ERR_CALLBACK_(DECRYPT:padding|DECRYPT:length-field|APPID)$/);
    expect(reason(raw.subarray(0, raw.length - 1).toString('base64'))).toBe('ERR_CALLBACK_DECRYPT:block-length');
    expect(reason(raw.subarray(0, 16).toString('base64'))).toBe('ERR_CALLBACK_DECRYPT:padding');
    expect(reason('')).toBe('ERR_CALLBACK_DECRYPT:block-length');
  });

  it('text that is not strict base64', () => {
    for (const bad of [
      v67.encrypt.replace(/\+/g, ' '),
      v67.encrypt.replace(/\+/g, '-').replace(/\//g, '_'),
      `${v67.encrypt.slice(0, 10)}\n${v67.encrypt.slice(10)}`,
      v67.encrypt.slice(0, -1),
      wp.decrypt.encrypt.replace(/=+$/, ''),
      `${v67.encrypt}!`,
      42 as unknown as string,
    ]) {
      expect(reason(bad)).toBe('ERR_CALLBACK_DECRYPT:base64');
    }
  });

  it('invalid UTF-8 in the message', () => {
    const m = Buffer.from([0x3c, 0xff, 0xfe, 0x3e]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(m.length);
    const b = Buffer.concat([Buffer.alloc(16, 1), len, m, Buffer.from(APPID)]);
    const n = 32 - (b.length % 32);
    expect(reason(sealRaw(KEY, Buffer.concat([b, Buffer.alloc(n, n)])))).toBe('ERR_CALLBACK_DECRYPT:utf8');
  });
});

describe('key rotation', () => {
  const rotated = createMessageCrypt({ token: 'AAAAA', encodingAesKey: OTHER_KEY, previousEncodingAesKey: KEY, appid: APPID });

  it('accepts a message sealed with the previous key and says so; replies with the key asked for', () => {
    expect(rotated.decryptWithKey(v67.encrypt)).toEqual({ xml: v67.plaintext, key: 'previous' });
    expect(rotated.decrypt(v67.encrypt)).toBe(v67.plaintext);
    const fresh = rotated.encrypt('<xml>new</xml>');
    expect(rotated.decryptWithKey(fresh)).toEqual({ xml: '<xml>new</xml>', key: 'current' });
    expect(rotated.encrypt(v67.plaintext, { random: v67.random, key: 'previous' })).toBe(v67.encrypt);
    expect(() => crypt.encrypt('<xml/>', { key: 'previous' })).toThrow(TypeError);
  });

  it('without the previous key, the old message no longer opens', () => {
    const only = createMessageCrypt({ token: 'AAAAA', encodingAesKey: OTHER_KEY, appid: APPID });
    expect(thrown(() => only.decrypt(v67.encrypt)).code).toMatch(/^ERR_CALLBACK_(DECRYPT|APPID)$/);
  });

  it('a message neither key opens reports the current key’s failure', () => {
    const third = createMessageCrypt({ token: 'AAAAA', encodingAesKey: 'A'.repeat(43), appid: APPID });
    expect(thrown(() => rotated.decrypt(third.encrypt('<xml/>'))).code).toMatch(/^ERR_CALLBACK_(DECRYPT|APPID)$/);
  });
});

describe('createMessageCrypt()', () => {
  it('throws ERR_CALLBACK_AES_KEY for a key that is not 43 base64 characters, naming the field only', () => {
    for (const bad of [KEY.slice(0, 42), `${KEY}A`, `${KEY.slice(0, 42)}!`, `${KEY.slice(0, 42)}=`, undefined]) {
      const e = thrown(() => createMessageCrypt({ token: 'AAAAA', encodingAesKey: bad as string, appid: APPID }));
      expect(e.code).toBe('ERR_CALLBACK_AES_KEY');
      expect(e.details).toEqual({ field: 'encodingAesKey' });
      if (bad) expect(JSON.stringify(e.toBody()) + e.message).not.toContain(bad);
    }
    const e = thrown(() => createMessageCrypt({ token: 'AAAAA', encodingAesKey: KEY, previousEncodingAesKey: 'short', appid: APPID }));
    expect(e.details).toEqual({ field: 'previousEncodingAesKey' });
  });

  it('throws TypeError for a missing token, appid or a bad random source; the result is frozen', () => {
    expect(() => createMessageCrypt({ token: '', encodingAesKey: KEY, appid: APPID })).toThrow(TypeError);
    expect(() => createMessageCrypt({ token: 'AAAAA', encodingAesKey: KEY, appid: '' })).toThrow(TypeError);
    expect(() => createMessageCrypt({ token: 'AAAAA', encodingAesKey: KEY, appid: APPID, random: 1 as never })).toThrow(TypeError);
    expect(() => createMessageCrypt(undefined as never)).toThrow(TypeError);
    expect(() => crypt.encrypt('<xml/>', { random: 'short' })).toThrow(TypeError);
    expect(() => crypt.encrypt(1 as never)).toThrow(TypeError);
    expect(Object.isFrozen(crypt)).toBe(true);
  });

  it('never puts the key or token in an error', () => {
    const errors = [
      thrown(() => crypt.decrypt('not base64!')),
      thrown(() => crypt.decrypt(createMessageCrypt({ token: 'AAAAA', encodingAesKey: OTHER_KEY, appid: APPID }).encrypt('<xml/>'))),
    ];
    for (const e of errors) {
      const all = `${e.message} ${JSON.stringify(e.toBody())} ${e.stack} ${String(e.cause)}`;
      expect(all).not.toContain(KEY);
      expect(all).not.toContain('AAAAA');
    }
  });
});
