import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, MINI_UNBOUND, OA_UNBOUND, startEmulator, type Harness } from '../helpers.js';

const OPEN = 'wxopen000000001';

describe('control API: binding an app to an Open Platform account at run time', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  const openGet = async (token: string) => (await h.post(`/cgi-bin/open/get?access_token=${token}`, {})).json;

  it('bind makes an unbound app disclose the account unionid (code2Session, open/get, user/info, /apps)', async () => {
    const p = await h.person();
    expect((await h.exchange(MINI_UNBOUND, await h.login(MINI_UNBOUND.appid, p))).json).not.toHaveProperty('unionid');
    const bound = await h.post(`/__emulator/apps/${MINI_UNBOUND.appid}/bind`, { openAppid: OPEN });
    expect(bound.json).toEqual({ appid: MINI_UNBOUND.appid, kind: 'miniprogram', openAppid: OPEN });
    const s = await h.exchange(MINI_UNBOUND, await h.login(MINI_UNBOUND.appid, p));
    // The same unionid as the person's under the account's other apps.
    expect(s.json.unionid).toBe(h.emu.state.unionid(p, OPEN));
    expect((await h.exchange(MINI, await h.login(MINI.appid, p))).json.unionid).toBe(s.json.unionid);
    expect(await openGet(await h.token(MINI_UNBOUND))).toMatchObject({ open_appid: OPEN, errcode: 0 });
    expect((await h.get('/__emulator/apps')).json).toContainEqual({ appid: MINI_UNBOUND.appid, kind: 'miniprogram', openAppid: OPEN });
    expect(h.emu.state.person(p)?.unionids).toHaveProperty(OPEN);

    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_UNBOUND.appid });
    const info = async () =>
      (await h.get('/cgi-bin/user/info', { access_token: await h.token(OA_UNBOUND), openid: h.emu.state.openid(p, OA_UNBOUND.appid) })).json;
    expect(await info()).not.toHaveProperty('unionid');
    await h.post(`/__emulator/apps/${OA_UNBOUND.appid}/bind`, { openAppid: OPEN });
    expect((await info()).unionid).toBe(s.json.unionid);
  });

  it('unbind stops the unionid and open/get answers 89002', async () => {
    const p = await h.person();
    const r = await h.post(`/__emulator/apps/${MINI.appid}/unbind`);
    expect(r.json).toEqual({ appid: MINI.appid, kind: 'miniprogram', openAppid: null });
    expect((await h.exchange(MINI, await h.login(MINI.appid, p))).json).not.toHaveProperty('unionid');
    expect((await openGet(await h.token(MINI))).errcode).toBe(89002);
  });

  it('refuses binding an app bound elsewhere, unbinding an unbound one, bad bodies and unknown apps, changing nothing', async () => {
    const elsewhere = await h.post(`/__emulator/apps/${MINI.appid}/bind`, { openAppid: 'wxopen000000009' });
    expect([elsewhere.status, elsewhere.json.error.details.reason]).toEqual([400, 'already_bound']);
    expect((await h.post(`/__emulator/apps/${MINI.appid}/bind`, { openAppid: OPEN })).status).toBe(200); // same account: no-op
    const notBound = await h.post(`/__emulator/apps/${MINI_UNBOUND.appid}/unbind`);
    expect([notBound.status, notBound.json.error.details.reason]).toEqual([400, 'not_bound']);
    expect((await h.post(`/__emulator/apps/${MINI_UNBOUND.appid}/bind`, { openAppid: 'nope' })).status).toBe(400);
    expect((await h.post(`/__emulator/apps/${MINI_UNBOUND.appid}/bind`, {})).status).toBe(400);
    expect((await h.post('/__emulator/apps/wxnope/bind', { openAppid: OPEN })).status).toBe(404);
    expect(h.emu.state.apps().find((a) => a.appid === MINI.appid)?.openAppid).toBe(OPEN);
    expect(h.emu.state.apps().find((a) => a.appid === MINI_UNBOUND.appid)?.openAppid).toBeNull();
  });
});
