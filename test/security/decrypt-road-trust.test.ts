/**
 * Finding #1 of the outside attack: one bound mini program's AppSecret must not take over any account in its union.
 * The attacker holds mp1's AppSecret: they learn the session_key of their OWN WeChat account from code2session,
 * seal encryptedData naming a victim's unionid with it, and present it to weunion — as the reviewer did, over HTTP,
 * against the emulator. docs/design.md "Whose word a unionid is".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView, sealUserData, wxLogin } from '../helpers/login-flows.js';
import { type Stack, startStack, trustDecryptedUnionids } from '../helpers/stack.js';

let stack: Stack;
afterEach(async () => {
  await stack?.close();
});

/** What the holder of mp1's AppSecret learns for their own WeChat account: openid and session_key, from WeChat. */
async function attackersSession(s: Stack, person: string): Promise<{ openid: string; sessionKey: string }> {
  const mp1 = s.config.apps.find((a) => a.appid === s.apps.mp1)!;
  const code = await wxLogin(s, mp1.appid, person);
  const url = new URL('/sns/jscode2session', s.emulatorUrl);
  for (const [k, v] of Object.entries({ appid: mp1.appid, secret: mp1.secret, js_code: code, grant_type: 'authorization_code' })) url.searchParams.set(k, v);
  const r = (await (await fetch(url)).json()) as { openid: string; session_key: string };
  return { openid: r.openid, sessionKey: r.session_key };
}

/** encryptedData sealed with the attacker's own session_key, naming `unionid` for the attacker's openid in mp1. */
function forged(s: Stack, attacker: { openid: string; sessionKey: string }, unionid: string) {
  return sealUserData(attacker.sessionKey, {
    openId: attacker.openid,
    unionId: unionid,
    nickName: 'attacker',
    watermark: { appid: s.apps.mp1, timestamp: Math.floor(s.clock.now() / 1000) },
  });
}

/** A victim WeChat itself links: they follow the official account (user/info) and use mini program 2. */
async function victim(s: Stack) {
  const p = await s.createPerson({ name: 'victim' });
  await s.control(`/__emulator/persons/${p}/follow`, { appid: s.apps.oa });
  await s.settle();
  const mp2 = await login(s, s.apps.mp2, p); // legacy rule: code2session carries the unionid of a follower
  expect(mp2.body).toMatchObject({ unionidConfirmed: true });
  const unionid = Object.values((await personView(s, p)).unionids)[0]!;
  return { person: p, userId: mp2.body.userId as string, token: mp2.body.token as string, unionid };
}

describe('a decrypted unionid is the app’s word, not WeChat’s', () => {
  it('server decides: forged encryptedData naming the victim’s unionid logs the attacker in alone; the victim’s account is untouched', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const v = await victim(stack);
    const before = (await stack.api('/v1/me', undefined, { token: v.token })).body;
    const att = await stack.createPerson({ name: 'attacker' });
    const own = await attackersSession(stack, att);

    const code = await wxLogin(stack, stack.apps.mp1, att);
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/login`, { code, ...forged(stack, own, v.unionid) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unionid: null, unionidConfirmed: false, isNewUser: true });
    expect(r.body.userId).not.toBe(v.userId);

    const attackerMe = (await stack.api('/v1/me', undefined, { token: r.body.token })).body;
    expect(attackerMe.identities.app.map((i: { appid: string }) => i.appid)).toEqual([stack.apps.mp1]);
    expect(attackerMe.identities.union).toEqual([]);
    expect(attackerMe.phone).toBeNull();
    expect((await stack.api('/v1/me', undefined, { token: v.token })).body).toEqual(before);
    // The claim is kept aside on the attacker's identity (the doctor shows identities waiting for confirmation).
    expect(await stack.deps.store.identity.findAppIdentity(stack.apps.mp1, own.openid)).toMatchObject({ unionid: null, pendingUnionid: v.unionid });
  });

  it('client decides: /unionid with the forged data is 409 ERR_UNIONID_UNCONFIRMED and changes nothing of the victim', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const v = await victim(stack);
    const att = await stack.createPerson({ name: 'attacker' });
    const own = await attackersSession(stack, att);
    const first = await login(stack, stack.apps.mp1, att);
    expect(first.body).toMatchObject({ unionid: null, isNewUser: true });

    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/unionid`, forged(stack, own, v.unionid), { token: first.body.token });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('ERR_UNIONID_UNCONFIRMED');
    expect(r.body).not.toHaveProperty('token');
    const victimMe = (await stack.api('/v1/me', undefined, { token: v.token })).body;
    expect(victimMe.userId).toBe(v.userId);
    expect(victimMe.identities.app.map((i: { openid: string }) => i.openid)).not.toContain(own.openid);
    expect((await stack.api('/v1/me', undefined, { token: first.body.token })).body.userId).toBe(first.body.userId);
  });

  it('a claim on a unionid nobody owned yet is displaced, not joined, when WeChat later gives that unionid to its real owner', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const att = await stack.createPerson({ name: 'attacker' });
    const own = await attackersSession(stack, att);
    // The future victim exists at WeChat (the attacker learnt their unionid elsewhere) but never met weunion.
    const p = await stack.createPerson({ name: 'victim' });
    await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
    const unionid = Object.values((await personView(stack, p)).unionids)[0]!;
    // (Hold the push back: the attacker claims first.)
    const code = await wxLogin(stack, stack.apps.mp1, att);
    const claim = await stack.api(`/v1/mp/${stack.apps.mp1}/login`, { code, ...forged(stack, own, unionid) });
    expect(claim.body).toMatchObject({ unionid, unionidConfirmed: false });

    await stack.settle(); // the victim's follow: user/info, WeChat's own word
    const real = await login(stack, stack.apps.mp2, p);
    expect(real.body).toMatchObject({ unionid, unionidConfirmed: true });
    expect(real.body.userId).not.toBe(claim.body.userId);
    const victimMe = (await stack.api('/v1/me', undefined, { token: real.body.token })).body;
    expect(victimMe.identities.app.map((i: { openid: string }) => i.openid)).not.toContain(own.openid);
    expect(victimMe.identities.union).toEqual([{ unionKey: 'acme', unionid }]);
    const attackerMe = (await stack.api('/v1/me', undefined, { token: claim.body.token })).body;
    expect(attackerMe.identities.union).toEqual([]);
    expect(await stack.deps.store.identity.findAppIdentity(stack.apps.mp1, own.openid)).toMatchObject({ unionid: null, pendingUnionid: unionid });
    const types = (await stack.deps.store.identity.listEvents()).map((e) => e.type);
    expect(types).toContain('identity.unlinked');
  });

  it('the same person’s claims converge into one user once WeChat confirms the unionid', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ name: 'Li Lei' });
    // Client decides, twice: the first claim links (nobody owned it), the second is held.
    const a = await login(stack, stack.apps.mp1, p);
    const aData = await stack.control<{ encryptedData: string; iv: string }>('/__emulator/wx.getUserInfo', { appid: stack.apps.mp1, person: p });
    const aLinked = await stack.api(`/v1/mp/${stack.apps.mp1}/unionid`, aData, { token: a.body.token });
    expect(aLinked.body).toMatchObject({ unionidConfirmed: false });
    const b = await login(stack, stack.apps.mp2, p);
    const bData = await stack.control<{ encryptedData: string; iv: string }>('/__emulator/wx.getUserInfo', { appid: stack.apps.mp2, person: p });
    expect((await stack.api(`/v1/mp/${stack.apps.mp2}/unionid`, bData, { token: b.body.token })).body.error.code).toBe('ERR_UNIONID_UNCONFIRMED');

    await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
    await stack.settle();
    const a2 = await login(stack, stack.apps.mp1, p);
    const b2 = await login(stack, stack.apps.mp2, p);
    expect(a2.body.userId).toBe(b2.body.userId);
    expect(a2.body).toMatchObject({ unionidConfirmed: true });
    for (const t of [a.body.token, b.body.token]) expect((await stack.api('/v1/me', undefined, { token: t })).body.userId).toBe(a2.body.userId);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ liveUsers: 1 });
  });

  it('trustDecryptedUnionid restores the seeds’ behaviour for an app whose secret is trusted — the attack then works, as documented', async () => {
    stack = await startStack({ unionidRule: 'legacy', configure: trustDecryptedUnionids });
    const v = await victim(stack);
    const att = await stack.createPerson({ name: 'attacker' });
    const own = await attackersSession(stack, att);
    const code = await wxLogin(stack, stack.apps.mp1, att);
    const r = await stack.api(`/v1/mp/${stack.apps.mp1}/login`, { code, ...forged(stack, own, v.unionid) });
    expect(r.body).toMatchObject({ userId: v.userId, unionid: v.unionid, unionidConfirmed: true });
  });
});
