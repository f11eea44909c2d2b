import { afterEach, describe, expect, it } from 'vitest';
import { MINI, MINI2, MINI_UNBOUND, OA, OA_OTHER, WEB, startEmulator, type Harness } from '../helpers.js';

describe('unionid in code2Session', () => {
  let h: Harness;
  afterEach(() => h.close());

  const unionidOf = async (app: typeof MINI, p: string): Promise<string | undefined> => (await h.exchange(app, await h.login(app.appid, p))).json.unionid;

  it('jscode2session() always returns the unionid for a bound app under the current rule, the same across apps', async () => {
    h = await startEmulator();
    const p = await h.person();
    const u1 = await unionidOf(MINI, p);
    expect(u1).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(await unionidOf(MINI2, p)).toBe(u1);
    expect(u1).toBe(h.emu.state.unionid(p, 'wxopen000000001'));
    expect(await unionidOf(MINI, await h.person())).not.toBe(u1);
  });

  it('jscode2session() never returns a unionid for an unbound app, whatever the rule', async () => {
    for (const unionidRule of ['current', 'legacy'] as const) {
      h = await startEmulator({ unionidRule });
      const p = await h.person();
      await h.post(`/__emulator/persons/${p}/follow`, { appid: OA.appid });
      const r = await h.exchange(MINI_UNBOUND, await h.login(MINI_UNBOUND.appid, p));
      expect(r.json.openid).toBeDefined();
      expect(r.json).not.toHaveProperty('unionid');
      await h.close();
    }
    h = await startEmulator();
  });

  it('jscode2session() under the legacy rule returns the unionid only after the person follows a same-account OA', async () => {
    h = await startEmulator({ unionidRule: 'legacy' });
    const p = await h.person();
    expect(await unionidOf(MINI, p)).toBeUndefined();
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_OTHER.appid }); // another Open Platform account: no help
    expect(await unionidOf(MINI, p)).toBeUndefined();
    const followed = await h.post(`/__emulator/persons/${p}/follow`, { appid: OA.appid });
    expect(followed.json.follows).toContain(OA.appid);
    expect(await unionidOf(MINI, p)).toBe(h.emu.state.unionid(p, 'wxopen000000001'));
    await h.post(`/__emulator/persons/${p}/unfollow`, { appid: OA.appid });
    expect(await unionidOf(MINI, p)).toBeUndefined();
  });

  it('jscode2session() under the legacy rule returns the unionid after an OAuth authorisation of a same-account website', async () => {
    h = await startEmulator({ unionidRule: 'legacy' });
    const p = await h.person();
    expect(await unionidOf(MINI, p)).toBeUndefined();
    const r = await h.post(`/__emulator/persons/${p}/authorize`, { appid: WEB.appid });
    expect(r.json.authorized).toEqual([WEB.appid]);
    expect(await unionidOf(MINI, p)).toBeDefined();
  });

  it('control follow refuses a non-official-account app and authorize refuses a mini program', async () => {
    h = await startEmulator();
    const p = await h.person();
    expect((await h.post(`/__emulator/persons/${p}/follow`, { appid: WEB.appid })).json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    expect((await h.post(`/__emulator/persons/${p}/authorize`, { appid: MINI.appid })).json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
  });
});
