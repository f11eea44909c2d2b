import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_APPS, MINI, OA, startEmulator, type Harness } from '../helpers.js';

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
});
