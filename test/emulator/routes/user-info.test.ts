import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, OA, OA_UNBOUND, RID, T0, startEmulator, type Harness } from '../helpers.js';

describe('GET /cgi-bin/user/info, POST /cgi-bin/user/info/batchget, GET /cgi-bin/user/get', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator({ userGetPageSize: 2 });
  });
  afterEach(() => h.close());

  const info = (token: string | undefined, openid: string | undefined) => h.get('/cgi-bin/user/info', { access_token: token, openid, lang: 'zh_CN' });

  it('user/info() gives a follower the full object with empty profile fields, subscribe_time and the unionid', async () => {
    const p = await h.person({ name: 'Ann' });
    await h.advance(100);
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA.appid });
    const openid = h.emu.state.openid(p, OA.appid);
    const r = await info(await h.token(OA), openid);
    expect(r.contentType).toBe('application/json; encoding=utf-8');
    expect(r.json).toEqual({
      subscribe: 1,
      openid,
      nickname: '',
      sex: 0,
      language: 'zh_CN',
      city: '',
      province: '',
      country: '',
      headimgurl: '',
      subscribe_time: T0 / 1000 + 100,
      unionid: h.emu.state.unionid(p, 'wxopen000000001'),
      remark: '',
      groupid: 0,
      tagid_list: [],
      subscribe_scene: 'ADD_SCENE_OTHERS',
      qr_scene: 0,
      qr_scene_str: '',
    });
  });

  it('user/info() answers a non-follower the thin { subscribe: 0, openid, tagid_list } with no unionid, even on a bound account', async () => {
    const p = await h.person();
    const openid = h.emu.state.openid(p, OA.appid);
    expect((await info(await h.token(OA), openid)).json).toEqual({ subscribe: 0, openid, tagid_list: [] });
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA.appid });
    expect((await info(await h.token(OA), openid)).json.unionid).toBe(h.emu.state.unionid(p, 'wxopen000000001'));
    await h.post(`/__emulator/persons/${p}/unfollow`, { appid: OA.appid });
    expect((await info(await h.token(OA), openid)).json).toEqual({ subscribe: 0, openid, tagid_list: [] }); // gone again once unfollowed
    const unboundOpenid = h.emu.state.openid(p, OA_UNBOUND.appid);
    expect((await info(await h.token(OA_UNBOUND), unboundOpenid)).json).toEqual({ subscribe: 0, openid: unboundOpenid, tagid_list: [] });
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_UNBOUND.appid });
    const full = (await info(await h.token(OA_UNBOUND), unboundOpenid)).json;
    expect(full.subscribe).toBe(1);
    expect(full).not.toHaveProperty('unionid');
  });

  it('user/info() answers 40003 for an openid of another app, 41009 without one, 48001 for a mini program token', async () => {
    const p = await h.person();
    const token = await h.token(OA);
    const r = await info(token, h.emu.state.openid(p, MINI.appid));
    expect(r.json.errcode).toBe(40003);
    expect(r.json.errmsg).toMatch(/^invalid openid/);
    expect(r.json.errmsg).toMatch(RID);
    expect((await info(token, undefined)).json.errcode).toBe(41009);
    expect((await info(await h.token(MINI), h.emu.state.openid(p, MINI.appid))).json.errcode).toBe(48001);
  });

  it('every token-taking endpoint checks the token: 41001 missing, 40014 malformed, 40001 unknown, 42001 expired', async () => {
    const probes: [string, string, unknown][] = [
      ['GET', '/cgi-bin/user/info?openid=x', undefined],
      ['POST', '/cgi-bin/user/info/batchget', { user_list: [{ openid: 'x' }] }],
      ['GET', '/cgi-bin/user/get', undefined],
      ['POST', '/cgi-bin/qrcode/create', { action_name: 'QR_SCENE' }],
      ['POST', '/wxa/business/getuserphonenumber', { code: 'x' }],
      ['GET', '/wxa/getpaidunionid?openid=x&transaction_id=1', undefined],
      ['POST', '/cgi-bin/open/get', {}],
    ];
    const expired = await h.token(OA);
    const expiredMini = await h.token(MINI);
    await h.advance(7200);
    for (const [method, path, body] of probes) {
      const tokenFor = path.startsWith('/wxa') ? expiredMini : expired;
      const sep = path.includes('?') ? '&' : '?';
      for (const [query, want] of [
        ['', 41001],
        [`${sep}access_token=80_madeup`, 40014],
        [`${sep}access_token=80_${'u'.repeat(140)}`, 40001],
        [`${sep}access_token=${tokenFor}`, 42001],
      ] as const) {
        const r = await h.send(method, `${path}${query}`, body);
        expect(r.json?.errcode, `${method} ${path}${query.slice(0, 20)}`).toBe(want);
      }
    }
  });

  it('batchget() answers user_info_list in request order, reduced for non-followers', async () => {
    const a = await h.person();
    const b = await h.person();
    await h.post(`/__emulator/persons/${a}/follow`, { appid: OA.appid });
    const oa = (p: string) => h.emu.state.openid(p, OA.appid);
    const r = await h.post(`/cgi-bin/user/info/batchget?access_token=${await h.token(OA)}`, {
      user_list: [{ openid: oa(b), lang: 'zh_CN' }, { openid: oa(a) }],
    });
    expect(r.json.user_info_list).toHaveLength(2);
    expect(r.json.user_info_list[0]).toEqual({ subscribe: 0, openid: oa(b), tagid_list: [] });
    expect(r.json.user_info_list[1]).toMatchObject({ subscribe: 1, openid: oa(a), subscribe_time: T0 / 1000 });
  });

  it('batchget() takes at most 100 openids (40097 beyond), fails whole on a foreign openid (40003), 44002/47001 on bad bodies', async () => {
    const token = await h.token(OA);
    const p = await h.person();
    const mine = { openid: h.emu.state.openid(p, OA.appid) };
    const url = `/cgi-bin/user/info/batchget?access_token=${token}`;
    expect((await h.post(url, { user_list: Array(100).fill(mine) })).json.user_info_list).toHaveLength(100);
    expect((await h.post(url, { user_list: Array(101).fill(mine) })).json.errcode).toBe(40097);
    expect((await h.post(url, { user_list: [mine, { openid: h.emu.state.openid(p, MINI.appid) }] })).json.errcode).toBe(40003);
    expect((await h.post(url, { user_list: [] })).json.errcode).toBe(40097);
    expect((await h.post(url, { user_list: [{ id: 1 }] })).json.errcode).toBe(40097);
    expect((await h.post(url)).json.errcode).toBe(44002);
    expect((await h.post(url, [1])).json.errcode).toBe(47001);
    const form = await fetch(`${h.base}${url}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user_list=x' });
    expect(((await form.json()) as { errcode: number }).errcode).toBe(47001);
  });

  it('user/get() pages followers in creation order with next_openid, ending with count 0 and next_openid ""', async () => {
    const ps: string[] = [];
    for (let i = 0; i < 6; i++) ps.push(await h.person());
    for (const i of [0, 2, 3, 4, 5]) await h.post(`/__emulator/persons/${ps[i]}/follow`, { appid: OA.appid });
    const oa = (i: number) => h.emu.state.openid(ps[i] as string, OA.appid);
    const token = await h.token(OA);
    const page1 = (await h.get('/cgi-bin/user/get', { access_token: token })).json;
    expect(page1).toEqual({ total: 5, count: 2, data: { openid: [oa(0), oa(2)] }, next_openid: oa(2) });
    // Someone on a later page unfollows mid-walk, someone already seen too: the walk goes on.
    await h.post(`/__emulator/persons/${ps[2]}/unfollow`, { appid: OA.appid });
    await h.post(`/__emulator/persons/${ps[4]}/unfollow`, { appid: OA.appid });
    const page2 = (await h.get('/cgi-bin/user/get', { access_token: token, next_openid: page1.next_openid })).json;
    expect(page2).toEqual({ total: 3, count: 2, data: { openid: [oa(3), oa(5)] }, next_openid: oa(5) });
    const end = (await h.get('/cgi-bin/user/get', { access_token: token, next_openid: page2.next_openid })).json;
    expect(end).toEqual({ total: 3, count: 0, next_openid: '' });
    expect((await h.get('/cgi-bin/user/get', { access_token: token, next_openid: h.emu.state.openid(ps[0] as string, MINI.appid) })).json.errcode).toBe(40003);
    expect((await h.get('/cgi-bin/user/get', { access_token: await h.token(OA_UNBOUND) })).json).toEqual({ total: 0, count: 0, next_openid: '' });
  });
});
