import { describe, expect, it } from 'vitest';
import { getPhoneNumber } from '../../../src/wechat/api/phone.js';
import { dropConnection, sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { expectNoSecrets } from '../../helpers/no-secrets.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const TOKEN = 'ACCESS-TOKEN-phone-1234567890';
const CODE = 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144';

// wechatpy fixture wxa_business_getuserphonenumber.json: countryCode as a number.
const answer = (countryCode: unknown) => ({
  errcode: 0,
  errmsg: 'ok',
  phone_info: { phoneNumber: '+8613123456789', purePhoneNumber: '13123456789', countryCode, watermark: { timestamp: 1637744274, appid: 'wxapp' } },
});

describe('getPhoneNumber()', () => {
  it('POSTs the code as JSON and normalises a numeric countryCode to a string', async () => {
    up().on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, answer(86)));
    expect(await getPhoneNumber(http(), { accessToken: TOKEN, code: CODE })).toEqual({
      phoneNumber: '+8613123456789',
      purePhoneNumber: '13123456789',
      countryCode: '86',
      watermark: { timestamp: 1637744274, appid: 'wxapp' },
    });
    expect(up().calls[0]!.query).toEqual({ access_token: TOKEN });
    expect(up().calls[0]!.body).toEqual({ code: CODE });
  });

  it('accepts countryCode as a string and passes openid when given', async () => {
    up().on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, answer('86')));
    expect((await getPhoneNumber(http(), { accessToken: TOKEN, code: CODE, openid: 'o-1' })).countryCode).toBe('86');
    expect(up().calls[0]!.body).toEqual({ code: CODE, openid: 'o-1' });
  });

  it('maps 40029 to ERR_WECHAT_CODE_INVALID without the code or token in the error', async () => {
    up().on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, { errcode: 40029, errmsg: `invalid code ${CODE}, rid: 1` }));
    const e = await rejection(getPhoneNumber(http(), { accessToken: TOKEN, code: CODE }));
    expect(e).toMatchObject({ code: 'ERR_WECHAT_CODE_INVALID', wechat: { errcode: 40029 } });
    expectNoSecrets(e, [TOKEN, CODE]);
  });

  it('never retries a dropped connection (the code is single use)', async () => {
    up().on('POST', '/wxa/business/getuserphonenumber', (q, r) => dropConnection(q, r));
    expect((await rejection(getPhoneNumber(http(), { accessToken: TOKEN, code: CODE }))).code).toBe('ERR_WECHAT_UNREACHABLE');
    expect(up().calls).toHaveLength(1);
  });

  it('rejects a malformed phone_info without echoing the number', async () => {
    up().on('POST', '/wxa/business/getuserphonenumber', (_q, r) => sendJson(r, { errcode: 0, phone_info: { phoneNumber: '+8613123456789', countryCode: {} } }));
    const e = await rejection(getPhoneNumber(http(), { accessToken: TOKEN, code: CODE }));
    expect(e.code).toBe('ERR_WECHAT_BAD_RESPONSE');
    expectNoSecrets(e, ['13123456789']);
    await expect(getPhoneNumber(http(), { accessToken: TOKEN, code: '' })).rejects.toThrow(TypeError);
  });
});
