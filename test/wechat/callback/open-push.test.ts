import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../src/config/schema.js';
import { openPush, type OpenPushInput } from '../../../src/wechat/callback/open-push.js';
import { callbackSignature } from '../../../src/wechat/crypto/callback-signature.js';
import { createMessageCrypt } from '../../../src/wechat/crypto/msg-crypt.js';
import { codeOf } from '../../helpers/expect-error.js';

// docs/wechat-api.md §6.7 (self-generated, cross-checked against wechatpy's vectors).
const V = {
  token: 'AAAAA',
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appid: 'wx1234567890abcdef',
  timestamp: '1714037059',
  nonce: '486452656',
  encrypt:
    'Q3stYC6hdFzMh9T8HCvyDGe94eq+E3mlpGTnLDHWUhrVIBdIBunH/jIyWw4jgeHjsI6AP6Ka5FLx2Yrm/PE+fv6aPd0FPZ27X8bCbzu7dcsr2Be+ImPcEvrUAH1ZeVp0vsp6NwC2nP30S1WfRshI7riDi39Gt547Ce0siCGar08qLHJLOUwiMrmzS30PkzvBD9YvAna316+kCEIP/nNMKiSgj/gLkuRle+fdapwLT4+m0q/PUUgvPvC28X1uhqJhFcQ4Rt5I9jFjBajxZakjtQs4SY9psgQyvtND4LI7UcTAXq42htawjOM+nvDuVhEw0M5bdIN6yt1fuuzv5gIbdF+4/EMkqHYZrOcWAO0KImXEIu+vn2MYvbiduhYoprZZ4DaZvdYkuvsndNvRZlcPBc5w9nhpYONjFq4bn3CZIv4EmogEUR4mpjnPFZYbmmMcrvMR6GkXUh3zVqfQtm6zIHEbYhU3wqCNMYroLvGLsz8B6HL9mb9aWvCtNCRgjbHF',
  msgSignature: '330aec4548933b3ed137c83aba5d69c5723db0e6',
  signature: '899cf89e464efb63f54ddac96b0a0a235f53aa78',
};
const PLAIN =
  '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>';

const app = {
  appid: V.appid,
  secret: 's',
  kind: 'officialAccount',
  union: 'acme',
  token: V.token,
  encodingAesKey: V.key,
  redirectAllowList: [],
  trustDecryptedUnionid: false,
  callbackMode: 'plain',
} as AppConfig & { token: string };
const NOW = Number(V.timestamp) * 1000;

function input(over: Partial<OpenPushInput> & { q?: Record<string, string> }): OpenPushInput {
  const { q, ...rest } = over;
  return {
    app,
    query: { signature: V.signature, timestamp: V.timestamp, nonce: V.nonce, openid: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY', ...q },
    body: PLAIN,
    nowMs: NOW,
    windowSeconds: 300,
    ...rest,
  };
}
const aes = { encrypt_type: 'aes', msg_signature: V.msgSignature };
const safeBody = `<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[${V.encrypt}]]></Encrypt></xml>`;

describe('openPush()', () => {
  it('opens a plain push signed with the token (official signature vector)', () => {
    const { message, encrypted } = openPush(input({}));
    expect(encrypted).toBe(false);
    expect(message).toMatchObject({
      appid: V.appid,
      event: 'subscribe',
      eventKey: 'qrscene_123',
      ticket: 'TICKET',
      fromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
    });
  });

  it('refuses an unencrypted push to an account in compatible or safe mode (the default with an EncodingAESKey)', () => {
    for (const callbackMode of ['safe', 'compatible', undefined] as const) {
      const strict = { ...app, callbackMode } as AppConfig & { token: string };
      expect(
        codeOf(() => openPush(input({ app: strict }))),
        String(callbackMode),
      ).toBe('ERR_CALLBACK_MODE');
      expect(openPush(input({ app: strict, q: aes, body: safeBody })).encrypted).toBe(true);
    }
  });

  it('opens a safe-mode push: msg_signature over Encrypt, decrypted with the 32-byte padding (§6.7 vector)', () => {
    const { message, encrypted, key } = openPush(input({ q: aes, body: safeBody }));
    expect(encrypted).toBe(true);
    expect(key).toBe('current');
    expect(message).toMatchObject({ event: 'subscribe', eventKey: 'qrscene_123', createTime: 1714037059 });
  });

  it('uses the decrypted copy in compatible mode, not the clear-text fields beside it', () => {
    const tampered = PLAIN.replace('qrscene_123', 'qrscene_999').replace('</xml>', `<Encrypt><![CDATA[${V.encrypt}]]></Encrypt></xml>`);
    expect(openPush(input({ q: aes, body: tampered })).message).toMatchObject({ eventKey: 'qrscene_123' });
  });

  it('opens a push encrypted with the previous EncodingAESKey during a rotation', () => {
    const newKey = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const rotated = { ...app, encodingAesKey: newKey, previousEncodingAesKey: V.key };
    expect(openPush(input({ app: rotated, q: aes, body: safeBody }))).toMatchObject({ encrypted: true, key: 'previous' });
    expect(codeOf(() => openPush(input({ app: { ...app, encodingAesKey: newKey }, q: aes, body: safeBody })))).toBe('ERR_CALLBACK_DECRYPT');
  });

  it('refuses a forged signature (ERR_CALLBACK_SIGNATURE) before reading the body', () => {
    expect(codeOf(() => openPush(input({ q: { signature: '0'.repeat(40) }, body: '<!DOCTYPE x>' })))).toBe('ERR_CALLBACK_SIGNATURE');
    expect(codeOf(() => openPush(input({ q: { signature: V.signature.toUpperCase() } })))).toBe('ERR_CALLBACK_SIGNATURE');
    expect(codeOf(() => openPush(input({ app: { ...app, token: 'BBBBB' } })))).toBe('ERR_CALLBACK_SIGNATURE');
  });

  it('refuses a wrong or missing msg_signature (ERR_CALLBACK_SIGNATURE)', () => {
    expect(codeOf(() => openPush(input({ q: { ...aes, msg_signature: V.signature }, body: safeBody })))).toBe('ERR_CALLBACK_SIGNATURE');
    expect(codeOf(() => openPush(input({ q: { encrypt_type: 'aes' }, body: safeBody })))).toBe('ERR_CALLBACK_SIGNATURE');
  });

  it('refuses a message encrypted for another appid (ERR_CALLBACK_APPID)', () => {
    const other = createMessageCrypt({ token: V.token, encodingAesKey: V.key, appid: 'wxother00000000001' });
    const encrypt = other.encrypt(PLAIN);
    const body = `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const q = { encrypt_type: 'aes', msg_signature: callbackSignature(V.token, V.timestamp, V.nonce, encrypt) };
    expect(codeOf(() => openPush(input({ q, body })))).toBe('ERR_CALLBACK_APPID');
  });

  it('refuses a timestamp outside the window, either way (ERR_CALLBACK_TIMESTAMP)', () => {
    expect(openPush(input({ nowMs: NOW + 300_000 })).encrypted).toBe(false);
    expect(codeOf(() => openPush(input({ nowMs: NOW + 301_000 })))).toBe('ERR_CALLBACK_TIMESTAMP');
    expect(codeOf(() => openPush(input({ nowMs: NOW - 301_000 })))).toBe('ERR_CALLBACK_TIMESTAMP');
  });

  it('refuses a DOCTYPE inside the encrypted message too', () => {
    const crypt = createMessageCrypt({ token: V.token, encodingAesKey: V.key, appid: V.appid });
    const encrypt = crypt.encrypt(`<!DOCTYPE x [<!ENTITY a "b">]>${PLAIN}`);
    const q = { encrypt_type: 'aes', msg_signature: crypt.signature(V.timestamp, V.nonce, encrypt) };
    expect(codeOf(() => openPush(input({ q, body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` })))).toBe('ERR_CALLBACK_XML_DOCTYPE');
  });

  it('refuses an encrypted push without Encrypt, or to an app without an EncodingAESKey', () => {
    expect(codeOf(() => openPush(input({ q: aes })))).toBe('ERR_CALLBACK_XML');
    expect(codeOf(() => openPush(input({ app: { ...app, encodingAesKey: undefined }, q: aes, body: safeBody })))).toBe('ERR_CALLBACK_NOT_CONFIGURED');
  });

  it('refuses a malformed query (ERR_VALIDATION)', () => {
    expect(codeOf(() => openPush(input({ q: { timestamp: '17e8' } })))).toBe('ERR_VALIDATION');
    expect(codeOf(() => openPush(input({ q: { encrypt_type: 'des' } })))).toBe('ERR_VALIDATION');
    expect(codeOf(() => openPush({ ...input({}), query: { timestamp: V.timestamp, nonce: V.nonce } }))).toBe('ERR_VALIDATION');
  });
});
