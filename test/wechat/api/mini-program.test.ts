import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { checkSessionKey, code2Session, isStaleSessionKeyError } from '../../../src/wechat/api/mini-program.js';
import { WeChatApiError } from '../../../src/wechat/api/wechat-errors.js';
import { sessionKeySignature } from '../../../src/wechat/crypto/session-signature.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const creds = { appid: 'wx4f4bc4dec97d474b', secret: 'app-secret-0123456789' };

describe('code2Session()', () => {
  it('sends appid, secret, js_code and grant_type and maps the answer', async () => {
    up().on('GET', '/sns/jscode2session', (_q, r) => sendJson(r, { openid: 'o-1', session_key: 'tiihtNczf5v6AKRyjwEUhQ==', unionid: 'u-1' }));
    await expect(code2Session(http(), { ...creds, code: 'code-1' })).resolves.toEqual({
      openid: 'o-1',
      sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
      unionid: 'u-1',
    });
    expect(up().calls[0]!.query).toEqual({ ...creds, js_code: 'code-1', grant_type: 'authorization_code' });
  });

  it('leaves unionid out when WeChat omits it or sends it empty, and accepts errcode 0', async () => {
    up().on('GET', '/sns/jscode2session', (_q, r) => sendJson(r, { openid: 'o-1', session_key: 'k' }));
    expect(await code2Session(http(), { ...creds, code: 'c' })).toEqual({ openid: 'o-1', sessionKey: 'k' });
    up().on('GET', '/sns/jscode2session', (_q, r) => sendJson(r, { errcode: 0, errmsg: 'ok', openid: 'o-1', session_key: 'k', unionid: '' }));
    expect(await code2Session(http(), { ...creds, code: 'c' })).toEqual({ openid: 'o-1', sessionKey: 'k' });
  });

  it('rejects with ERR_WECHAT_BAD_RESPONSE when session_key is missing', async () => {
    up().on('GET', '/sns/jscode2session', (_q, r) => sendJson(r, { openid: 'o-1' }));
    expect((await rejection(code2Session(http(), { ...creds, code: 'c' }))).code).toBe('ERR_WECHAT_BAD_RESPONSE');
  });

  it('rejects with ERR_WECHAT_CODE_USED on 40163 after exactly one call', async () => {
    up().on('GET', '/sns/jscode2session', (_q, r) => sendJson(r, { errcode: 40163, errmsg: 'code been used, rid: a-b-c' }));
    const e = await rejection(code2Session(http(), { ...creds, code: 'c' }));
    expect(e.code).toBe('ERR_WECHAT_CODE_USED');
    expect(up().calls).toHaveLength(1);
  });

  it('does not retry a dropped connection (the code may be spent)', async () => {
    up().on('GET', '/sns/jscode2session', (q, r) => {
      r.hijack();
      q.raw.socket.destroy();
    });
    expect((await rejection(code2Session(http(), { ...creds, code: 'c' }))).code).toBe('ERR_WECHAT_UNREACHABLE');
    expect(up().calls).toHaveLength(1);
  });

  it('throws TypeError when a parameter is missing', async () => {
    await expect(code2Session(http(), { ...creds, code: '' })).rejects.toBeInstanceOf(TypeError);
    await expect(code2Session(http(), { ...creds, secret: undefined as unknown as string, code: 'c' })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('checkSessionKey()', () => {
  const sessionKey = 'o0q0otL8aEzpcZL/FT9WsQ==';

  it('sends the HMAC-SHA256 signature of the empty string and resolves true on errcode 0', async () => {
    up().on('GET', '/wxa/checksession', (_q, r) => sendJson(r, { errcode: 0, errmsg: 'ok' }));
    await expect(checkSessionKey(http(), { accessToken: 'tok', openid: 'o-1', sessionKey })).resolves.toBe(true);
    expect(up().calls[0]!.query).toEqual({
      access_token: 'tok',
      openid: 'o-1',
      signature: '46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128',
      sig_method: 'hmac_sha256',
    });
    expect(up().calls[0]!.query.signature).toBe(sessionKeySignature(sessionKey, ''));
  });

  it('rejects with a WeChatApiError that isStaleSessionKeyError() recognises on 87009', async () => {
    up().on('GET', '/wxa/checksession', (_q, r) => sendJson(r, { errcode: 87009, errmsg: 'invalid signature' }));
    const e = await rejection(checkSessionKey(http(), { accessToken: 'tok', openid: 'o-1', sessionKey }));
    expect(e).toBeInstanceOf(WeChatApiError);
    expect(isStaleSessionKeyError(e)).toBe(true);
    expect(JSON.stringify(e)).not.toContain(sessionKey);
  });

  it('isStaleSessionKeyError() is false for other errors', async () => {
    up().on('GET', '/wxa/checksession', (_q, r) => sendJson(r, { errcode: 40001, errmsg: 'invalid credential' }));
    const e = await rejection(checkSessionKey(http(), { accessToken: 'tok', openid: 'o-1', sessionKey }));
    expect(isStaleSessionKeyError(e)).toBe(false);
    expect(isStaleSessionKeyError(new Error('x'))).toBe(false);
    expect(isStaleSessionKeyError(new AppError('ERR_WECHAT_API'))).toBe(false);
  });

  it('retries a dropped connection (a check is safe to repeat)', async () => {
    up().on('GET', '/wxa/checksession', (q, r) => {
      if (up().calls.length === 1) {
        r.hijack();
        q.raw.socket.destroy();
        return;
      }
      return sendJson(r, { errcode: 0, errmsg: 'ok' });
    });
    await expect(checkSessionKey(http(), { accessToken: 'tok', openid: 'o-1', sessionKey })).resolves.toBe(true);
    expect(up().calls).toHaveLength(2);
  });
});
