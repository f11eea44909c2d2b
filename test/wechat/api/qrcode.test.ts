import { describe, expect, it } from 'vitest';
import { createTempQrCode, showQrCodeUrl } from '../../../src/wechat/api/qrcode.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { expectNoSecrets } from '../../helpers/no-secrets.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const TOKEN = 'ACCESS-TOKEN-qrcode-1234567890';
const TICKET = 'gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==';

describe('createTempQrCode()', () => {
  it('asks for a QR_STR_SCENE inside the scene wrapper and returns the showqrcode image URL', async () => {
    up().on('POST', '/cgi-bin/qrcode/create', (_q, r) =>
      sendJson(r, { ticket: TICKET, expire_seconds: 300, url: 'http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI' }),
    );
    const qr = await createTempQrCode(http(), { accessToken: TOKEN, sceneStr: 'login_abc', expireSeconds: 300, mpBaseUrl: 'https://mp.weixin.qq.com/' });
    expect(qr).toEqual({
      ticket: TICKET,
      expireSeconds: 300,
      url: 'http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI',
      imageUrl: `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(TICKET)}`,
    });
    expect(up().calls[0]!.query).toEqual({ access_token: TOKEN });
    expect(up().calls[0]!.body).toEqual({ expire_seconds: 300, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'login_abc' } } });
  });

  it('falls back to the requested life when WeChat leaves expire_seconds out', async () => {
    up().on('POST', '/cgi-bin/qrcode/create', (_q, r) => sendJson(r, { ticket: 'T', url: 'http://weixin.qq.com/q/x' }));
    const qr = await createTempQrCode(http(), { accessToken: TOKEN, sceneStr: 's', expireSeconds: 60, mpBaseUrl: 'http://127.0.0.1:9/emu' });
    expect(qr.expireSeconds).toBe(60);
    expect(qr.imageUrl).toBe('http://127.0.0.1:9/emu/cgi-bin/showqrcode?ticket=T');
  });

  it('keeps the errcode (40001, 45009) and never the token', async () => {
    up().on('POST', '/cgi-bin/qrcode/create', (_q, r) => sendJson(r, { errcode: 40001, errmsg: 'invalid credential' }));
    const e = await rejection(createTempQrCode(http(), { accessToken: TOKEN, sceneStr: 's', expireSeconds: 60, mpBaseUrl: 'https://mp.weixin.qq.com' }));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_API', wechat: { errcode: 40001 } });
    expectNoSecrets(e, [TOKEN]);
  });

  it('refuses bad scenes and lives before calling WeChat', async () => {
    const base = { accessToken: TOKEN, sceneStr: 's', expireSeconds: 60, mpBaseUrl: 'https://mp.weixin.qq.com' };
    for (const bad of [
      { sceneStr: '' },
      { sceneStr: 'x'.repeat(65) },
      { expireSeconds: 0 },
      { expireSeconds: 2_592_001 },
      { expireSeconds: 1.5 },
      { mpBaseUrl: '' },
    ]) {
      await expect(createTempQrCode(http(), { ...base, ...bad })).rejects.toThrow(TypeError);
    }
    expect(up().calls).toHaveLength(0);
    expect(() => showQrCodeUrl('https://mp.weixin.qq.com', '')).toThrow(TypeError);
  });
});
