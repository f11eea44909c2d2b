import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, MINI2, MINI_UNBOUND, OA, OA_UNBOUND, RID, T0, WEB, startEmulator, type Harness } from '../helpers.js';

describe('getuserphonenumber, getpaidunionid, open/get', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  const phoneCode = async (appid: string, person: string) => (await h.post('/__emulator/wx.getPhoneNumber', { appid, person })).json.code as string;
  const phone = async (app: typeof MINI, body: unknown) => h.post(`/wxa/business/getuserphonenumber?access_token=${await h.token(app)}`, body);

  it('getuserphonenumber() answers phone_info for a fresh phone code: a deterministic +86 default, then the PATCHed number', async () => {
    const p = await h.person();
    const r = await phone(MINI, { code: await phoneCode(MINI.appid, p) });
    expect(r.json).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: { phoneNumber: '13900000001', purePhoneNumber: '13900000001', countryCode: 86, watermark: { timestamp: T0 / 1000, appid: MINI.appid } },
    });
    expect((await h.send('PATCH', `/__emulator/persons/${p}`, { phoneNumber: '+1 2025550123' })).json.phoneNumber).toBe('+1 2025550123');
    const foreign = await phone(MINI, { code: await phoneCode(MINI.appid, p), openid: h.emu.state.openid(p, MINI.appid) });
    expect(foreign.json.phone_info).toMatchObject({ phoneNumber: '+12025550123', purePhoneNumber: '2025550123', countryCode: 1 });
    await h.send('PATCH', `/__emulator/persons/${p}`, { phoneNumber: '13812345678' });
    expect((await phone(MINI, { code: await phoneCode(MINI.appid, p) })).json.phone_info.phoneNumber).toBe('13812345678');
    expect((await h.send('PATCH', `/__emulator/persons/${p}`, { phoneNumber: 'call me' })).status).toBe(400);
  });

  it('getuserphonenumber() answers 40029 for a used, unknown, expired or other app\u2019s code; 40003 for another openid', async () => {
    const p = await h.person();
    const code = await phoneCode(MINI.appid, p);
    expect((await phone(MINI, { code })).json.errcode).toBe(0);
    const used = await phone(MINI, { code });
    expect(used.json.errcode).toBe(40029);
    expect(used.json.errmsg).toMatch(RID);
    expect((await phone(MINI, { code: 'nope' })).json.errcode).toBe(40029);
    expect((await phone(MINI2, { code: await phoneCode(MINI.appid, p) })).json.errcode).toBe(40029);
    const late = await phoneCode(MINI.appid, p);
    await h.advance(300);
    expect((await phone(MINI, { code: late })).json.errcode).toBe(40029);
    const other = await h.person();
    expect((await phone(MINI, { code: await phoneCode(MINI.appid, p), openid: h.emu.state.openid(other, MINI.appid) })).json.errcode).toBe(40003);
  });

  it('getuserphonenumber() needs a JSON body (47001 form-encoded), a code (41008) and a mini program token (48001)', async () => {
    const p = await h.person();
    const code = await phoneCode(MINI.appid, p);
    const token = await h.token(MINI);
    const form = await fetch(`${h.base}/wxa/business/getuserphonenumber?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${code}`,
    });
    expect(((await form.json()) as { errcode: number }).errcode).toBe(47001);
    expect((await phone(MINI, {})).json.errcode).toBe(41008);
    expect((await phone(MINI, undefined)).json.errcode).toBe(44002);
    expect((await phone(OA as typeof MINI, { code })).json.errcode).toBe(48001);
    expect((await phone(MINI, { code })).json.errcode).toBe(0); // none of the failures spent it
    expect((await h.post('/__emulator/wx.getPhoneNumber', { appid: OA.appid, person: p })).status).toBe(400);
  });

  const paid = async (app: typeof MINI, q: Record<string, string | undefined>) => h.get('/wxa/getpaidunionid', { access_token: await h.token(app), ...q });

  it('getpaidunionid() answers the unionid within 5 minutes of a payment, by transaction_id or mch_id + out_trade_no', async () => {
    const p = await h.person();
    const openid = h.emu.state.openid(p, MINI.appid);
    const pay = (await h.post('/__emulator/pay', { appid: MINI.appid, person: p })).json;
    expect(pay.transactionId).toMatch(/^42\d{26}$/);
    expect(pay.mchId).toMatch(/^19\d{8}$/);
    expect(pay.outTradeNo).toMatch(/^[A-Za-z0-9]{32}$/);
    const byTx = await paid(MINI, { openid, transaction_id: pay.transactionId });
    expect(byTx.json).toEqual({ unionid: h.emu.state.unionid(p, 'wxopen000000001'), errcode: 0, errmsg: 'ok' });
    expect((await paid(MINI, { openid, mch_id: pay.mchId, out_trade_no: pay.outTradeNo })).json.errcode).toBe(0);
    await h.advance(299);
    expect((await paid(MINI, { openid, transaction_id: pay.transactionId })).json.errcode).toBe(0);
    await h.advance(1);
    const late = await paid(MINI, { openid, transaction_id: pay.transactionId });
    expect(late.json.errcode).toBe(89300);
    expect(late.json.errmsg).toMatch(/^invalid trade/);
  });

  it('getpaidunionid() answers 89300 for another person\u2019s or app\u2019s trade or none, 89002 when unbound, 40003 / 41009 for the openid', async () => {
    const p = await h.person();
    const q = await h.person();
    const openid = h.emu.state.openid(p, MINI.appid);
    const pay = (await h.post('/__emulator/pay', { appid: MINI.appid, person: p })).json;
    expect((await paid(MINI, { openid: h.emu.state.openid(q, MINI.appid), transaction_id: pay.transactionId })).json.errcode).toBe(89300);
    expect((await paid(MINI2, { openid: h.emu.state.openid(p, MINI2.appid), transaction_id: pay.transactionId })).json.errcode).toBe(89300);
    expect((await paid(MINI, { openid, transaction_id: '4200000000000000000000000000' })).json.errcode).toBe(89300);
    expect((await paid(MINI, { openid })).json.errcode).toBe(89300);
    expect((await paid(MINI, { openid: h.emu.state.openid(p, OA.appid), transaction_id: pay.transactionId })).json.errcode).toBe(40003);
    expect((await paid(MINI, { transaction_id: pay.transactionId })).json.errcode).toBe(41009);
    const unboundPay = (await h.post('/__emulator/pay', { appid: MINI_UNBOUND.appid, person: p })).json;
    const unbound = await paid(MINI_UNBOUND, { openid: h.emu.state.openid(p, MINI_UNBOUND.appid), transaction_id: unboundPay.transactionId });
    expect(unbound.json.errcode).toBe(89002);
    expect((await h.post('/__emulator/pay', { appid: WEB.appid, person: p })).status).toBe(400);
  });

  it('open/get() answers the bound open_appid, 89002 when unbound, 40013 for another appid, 43002 for GET', async () => {
    const call = async (app: typeof MINI, body?: unknown) => h.post(`/cgi-bin/open/get?access_token=${await h.token(app)}`, body);
    expect((await call(OA, { appid: OA.appid })).json).toEqual({ open_appid: 'wxopen000000001', errcode: 0, errmsg: 'ok' });
    expect((await call(MINI)).json.open_appid).toBe('wxopen000000001');
    const unbound = await call(OA_UNBOUND, {});
    expect(unbound.json.errcode).toBe(89002);
    expect(unbound.json.errmsg).toMatch(/^open not exists/);
    expect((await call(OA, { appid: MINI.appid })).json.errcode).toBe(40013);
    expect((await h.get('/cgi-bin/open/get', { access_token: await h.token(OA) })).json.errcode).toBe(43002);
  });
});
