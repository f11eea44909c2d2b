import { describe, expect, it } from 'vitest';
import { getPaidUnionid } from '../../../src/wechat/api/paid-unionid.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';
import { expectNoSecrets } from '../../helpers/no-secrets.js';
import { rejection } from '../../helpers/expect-error.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const TOKEN = 'ACCESS-TOKEN-paid-1234567890';

describe('getPaidUnionid()', () => {
  it('asks by transaction_id', async () => {
    up().on('GET', '/wxa/getpaidunionid', (_q, r) => sendJson(r, { unionid: 'oTmHYjg-tElZ68xxxxxxxxhy1Rgk', errcode: 0, errmsg: 'ok' }));
    expect(await getPaidUnionid(http(), { accessToken: TOKEN, openid: 'o-1', order: { transactionId: '4200000001' } })).toBe('oTmHYjg-tElZ68xxxxxxxxhy1Rgk');
    expect(up().calls[0]!.query).toEqual({ access_token: TOKEN, openid: 'o-1', transaction_id: '4200000001' });
  });

  it('asks by mch_id + out_trade_no', async () => {
    up().on('GET', '/wxa/getpaidunionid', (_q, r) => sendJson(r, { unionid: 'u-2', errcode: 0, errmsg: 'ok' }));
    expect(await getPaidUnionid(http(), { accessToken: TOKEN, openid: 'o-1', order: { mchId: '1230000109', outTradeNo: 'T-77' } })).toBe('u-2');
    expect(up().calls[0]!.query).toEqual({ access_token: TOKEN, openid: 'o-1', mch_id: '1230000109', out_trade_no: 'T-77' });
  });

  it('keeps 89300 (invalid trade) and 89002 (not bound) as errcodes, without the token', async () => {
    for (const errcode of [89300, 89002]) {
      up().on('GET', '/wxa/getpaidunionid', (_q, r) => sendJson(r, { errcode, errmsg: 'no, rid: 1' }));
      const e = await rejection(getPaidUnionid(http(), { accessToken: TOKEN, openid: 'o-1', order: { transactionId: 't' } }));
      expect(e).toMatchObject({ code: 'ERR_WECHAT_API', wechat: { errcode } });
      expectNoSecrets(e, [TOKEN]);
    }
  });

  it('is ERR_UNIONID_UNAVAILABLE when a success carries no unionid; misuse is a TypeError', async () => {
    up().on('GET', '/wxa/getpaidunionid', (_q, r) => sendJson(r, { errcode: 0, errmsg: 'ok', unionid: '' }));
    expect((await rejection(getPaidUnionid(http(), { accessToken: TOKEN, openid: 'o-1', order: { transactionId: 't' } }))).code).toBe(
      'ERR_UNIONID_UNAVAILABLE',
    );
    await expect(getPaidUnionid(http(), { accessToken: TOKEN, openid: 'o-1', order: { mchId: 'm' } as never })).rejects.toThrow(TypeError);
    await expect(getPaidUnionid(http(), { accessToken: TOKEN, openid: 'o-1', order: null as never })).rejects.toThrow(TypeError);
  });
});
