import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getPhoneNumber } from '../../../src/wechat/api/phone.js';
import { WeChatHttp } from '../../../src/wechat/api/request.js';
import { dropConnection, type FakeUpstream, sendJson, startFakeUpstream } from '../../helpers/fake-upstream.js';
import { expectNoSecrets, failure } from '../../helpers/no-secrets.js';

let up: FakeUpstream;
let http: WeChatHttp;
const TOKEN = 'ACCESS-TOKEN-phone-1234567890';
const CODE = 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144';

// wechatpy fixture wxa_business_getuserphonenumber.json: countryCode as a number.
const answer = (countryCode: unknown) => ({
  errcode: 0,
  errmsg: 'ok',
  phone_info: { phoneNumber: '+8613123456789', purePhoneNumber: '13123456789', countryCode, watermark: { timestamp: 1637744274, appid: 'wxapp' } },
});

beforeAll(async () => {
  up = await startFakeUpstream();
  http = new WeChatHttp({ baseUrl: up.baseUrl, sleep: async () => undefined });
});
afterAll(async () => {
  await up.close();
});
beforeEach(() => up.reset());

describe('getPhoneNumber()', () => {
  it('POSTs the code as JSON and normalises a numeric countryCode to a string', async () => {
    up.on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, answer(86)));
    expect(await getPhoneNumber(http, { accessToken: TOKEN, code: CODE })).toEqual({
      phoneNumber: '+8613123456789',
      purePhoneNumber: '13123456789',
      countryCode: '86',
      watermark: { timestamp: 1637744274, appid: 'wxapp' },
    });
    expect(up.calls[0]!.query).toEqual({ access_token: TOKEN });
    expect(up.calls[0]!.body).toEqual({ code: CODE });
  });

  it('accepts countryCode as a string and passes openid when given', async () => {
    up.on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, answer('86')));
    expect((await getPhoneNumber(http, { accessToken: TOKEN, code: CODE, openid: 'o-1' })).countryCode).toBe('86');
    expect(up.calls[0]!.body).toEqual({ code: CODE, openid: 'o-1' });
  });

  it('maps 40029 to ERR_WECHAT_CODE_INVALID without the code or token in the error', async () => {
    up.on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, { errcode: 40029, errmsg: `invalid code ${CODE}, rid: 1` }));
    const e = await failure(getPhoneNumber(http, { accessToken: TOKEN, code: CODE }));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_CODE_INVALID', wechat: { errcode: 40029 } });
    expectNoSecrets(e, [TOKEN, CODE]);
  });

  it('never retries a dropped connection (the code is single use)', async () => {
    up.on('POST', '/wxa/business/getuserphonenumber', (q, r) => dropConnection(q, r));
    expect((await failure(getPhoneNumber(http, { accessToken: TOKEN, code: CODE }))).code).toBe('ERR_WECHAT_UNREACHABLE');
    expect(up.calls).toHaveLength(1);
  });

  it('rejects a malformed phone_info without echoing the number', async () => {
    up.on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, { errcode: 0, phone_info: { phoneNumber: '+8613123456789', countryCode: {} } }));
    const e = await failure(getPhoneNumber(http, { accessToken: TOKEN, code: CODE }));
    expect(e.code).toBe('ERR_WECHAT_BAD_RESPONSE');
    expectNoSecrets(e, ['13123456789']);
    await expect(getPhoneNumber(http, { accessToken: TOKEN, code: '' })).rejects.toThrow(TypeError);
  });
});
