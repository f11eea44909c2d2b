import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_APPS, MINI, OA, OA_PUSH, startEmulator, type Harness, T0 } from '../helpers.js';

describe('control API: persons', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('POST /persons numbers persons p_1, p_2… and GET shows openids for every app and unionids per Open Platform account', async () => {
    expect(await h.person({ name: 'Ann' })).toBe('p_1');
    expect(await h.person()).toBe('p_2');
    const r = await h.get('/__emulator/persons/p_1');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      id: 'p_1',
      name: 'Ann',
      follows: [],
      subscribedAt: {},
      authorized: [],
      riskBlocked: false,
      declinesUserInfo: false,
      phoneNumber: '+86 13900000001',
    });
    expect(Object.keys(r.json.openids)).toEqual(ALL_APPS.map((a) => a.appid));
    expect(Object.keys(r.json.unionids).sort()).toEqual(['wxopen000000001', 'wxopen000000002']);
    for (const id of [...Object.values(r.json.openids), ...Object.values(r.json.unionids)]) expect(id).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(new Set(Object.values(r.json.openids)).size).toBe(ALL_APPS.length);
    expect((await h.get('/__emulator/persons/p_2')).json.name).toBeNull();
  });

  it('the person view agrees with what code2Session returns', async () => {
    const p = await h.person();
    const s = (await h.exchange(MINI, await h.login(MINI.appid, p))).json;
    const view = (await h.get(`/__emulator/persons/${p}`)).json;
    expect(view.openids[MINI.appid]).toBe(s.openid);
    expect(view.unionids[MINI.openAppid as string]).toBe(s.unionid);
    expect(h.emu.state.personByOpenid(MINI.appid, s.openid)?.id).toBe(p);
  });

  it('PATCH sets flags; follow/unfollow/authorize update the view', async () => {
    const p = await h.person();
    expect((await h.send('PATCH', `/__emulator/persons/${p}`, { declinesUserInfo: true })).json.declinesUserInfo).toBe(true);
    expect((await h.post(`/__emulator/persons/${p}/follow`, { appid: OA.appid })).json.follows).toEqual([OA.appid]);
    expect((await h.post(`/__emulator/persons/${p}/authorize`, { appid: OA.appid })).json.authorized).toEqual([OA.appid]);
    expect((await h.post(`/__emulator/persons/${p}/unfollow`, { appid: OA.appid })).json.follows).toEqual([]);
  });

  it('unknown persons and apps answer 404 ERR_EMULATOR_NOT_FOUND; bad bodies 400 ERR_EMULATOR_BAD_REQUEST', async () => {
    const missing = await h.get('/__emulator/persons/p_42');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ERR_EMULATOR_NOT_FOUND');
    const p = await h.person();
    expect((await h.post(`/__emulator/persons/${p}/follow`, { appid: 'wxnope' })).json.error.code).toBe('ERR_EMULATOR_NOT_FOUND');
    const bad = await h.send('PATCH', `/__emulator/persons/${p}`, { riskBlocked: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    expect((await h.post('/__emulator/persons', { nme: 'typo' })).json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
  });

  it('POST /persons/bulk makes count persons following the given accounts, as /follow would, pushing nothing', async () => {
    h.emu.configureApp(OA_PUSH.appid, { callbackUrl: 'http://127.0.0.1:9/callback' }); // a follow would push here
    expect(await h.person()).toBe('p_1');
    const r = await h.post('/__emulator/persons/bulk', { count: 5, follows: [OA.appid, OA_PUSH.appid] });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ created: 5, first: 'p_2', last: 'p_6' });
    const view = (await h.get('/__emulator/persons/p_4')).json;
    expect(view.follows).toEqual([OA.appid, OA_PUSH.appid]);
    expect(view.subscribedAt).toEqual({ [OA.appid]: T0, [OA_PUSH.appid]: T0 });
    expect((await h.get('/__emulator/persons/p_1')).json.follows).toEqual([]);
    expect((await h.get('/__emulator/pushes')).json).toEqual([]);
    // The followers are what user/get and batchget see.
    const token = await h.token(OA);
    const page = (await h.get('/cgi-bin/user/get', { access_token: token })).json;
    expect(page.total).toBe(5);
    expect(page.data.openid[0]).toBe(h.emu.state.openid('p_2', OA.appid));
    const info = (await h.post(`/cgi-bin/user/info/batchget?access_token=${token}`, { user_list: [{ openid: page.data.openid[4] }] })).json;
    expect(info.user_info_list[0]).toMatchObject({
      subscribe: 1,
      openid: h.emu.state.openid('p_6', OA.appid),
      unionid: h.emu.state.unionid('p_6', OA.openAppid as string),
    });
    expect((await h.post('/__emulator/persons/bulk', { count: 1 })).json).toEqual({ created: 1, first: 'p_7', last: 'p_7' });
  });

  it('POST /persons/bulk checks the whole call before making anyone', async () => {
    const notOa = await h.post('/__emulator/persons/bulk', { count: 3, follows: [OA.appid, MINI.appid] });
    expect(notOa.status).toBe(400);
    expect((await h.post('/__emulator/persons/bulk', { count: 3, follows: ['wxnope'] })).status).toBe(404);
    for (const body of [{ count: 0 }, { count: 1_000_001 }, { count: 1.5 }, {}, { count: 2, extra: 1 }]) {
      const bad = await h.post('/__emulator/persons/bulk', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    }
    expect((await h.get('/__emulator/persons')).json).toEqual([]);
  });
});
