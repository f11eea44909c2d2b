/**
 * Mini program login end to end: the server and the emulator over real HTTP, resolve cases 1–6 as a person
 * meets them, both client strategies, merges and the sessions that survive them.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView, wxLogin, wxUserData } from '../helpers/login-flows.js';
import { type Stack, startStack, trustDecryptedUnionids } from '../helpers/stack.js';

let stack: Stack;
afterEach(async () => stack?.close());

describe('POST /v1/mp/:appid/login (legacy unionid rule)', () => {
  it('logs in by openid when code2session gives no unionid, then links the unionid from the decrypted data (mini programs trusted with it)', async () => {
    stack = await startStack({ unionidRule: 'legacy', configure: trustDecryptedUnionids });
    const p = await stack.createPerson();
    const first = await login(stack, stack.apps.mp1, p);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ unionid: null, isNewUser: true });
    const view = await personView(stack, p);
    expect(first.body.openid).toBe(view.openids[stack.apps.mp1]);

    const data = await wxUserData(stack, stack.apps.mp1, p);
    const linked = await stack.api(`/v1/mp/${stack.apps.mp1}/unionid`, data, { token: first.body.token });
    expect(linked.status).toBe(200);
    expect(linked.body.userId).toBe(first.body.userId);
    expect(linked.body.unionid).toBe(Object.values(view.unionids)[0]);

    // Mini program 2, server decides: code + encryptedData in one request → the same user.
    const code = await wxLogin(stack, stack.apps.mp2, p);
    const second = await stack.api(`/v1/mp/${stack.apps.mp2}/login`, { code, ...(await wxUserData(stack, stack.apps.mp2, p)) });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ userId: first.body.userId, unionid: linked.body.unionid, isNewUser: false });

    const me = await stack.api('/v1/me', undefined, { token: second.body.token });
    expect(me.status).toBe(200);
    expect(me.body.userId).toBe(first.body.userId);
    expect(me.body.identities.app.map((a: { appid: string }) => a.appid).sort()).toEqual([stack.apps.mp1, stack.apps.mp2].sort());
  });

  it('merges an openid-only user into the unionid owner, and the old id and token resolve to the survivor', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ declinesUserInfo: true });
    const early = await login(stack, stack.apps.mp1, p);
    expect(early.body.unionid).toBeNull();
    await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
    const other = await login(stack, stack.apps.mp2, p); // unionid now given: a second user (cannot know yet)
    expect(other.body.unionid).not.toBeNull();
    expect(other.body.userId).not.toBe(early.body.userId);
    const again = await login(stack, stack.apps.mp1, p); // case 6: merge
    expect(again.body).toMatchObject({ userId: other.body.userId, isNewUser: false });

    const viaOldToken = await stack.api('/v1/me', undefined, { token: early.body.token });
    expect(viaOldToken.body.userId).toBe(other.body.userId);
    const counts = await stack.deps.store.identity.counts();
    expect(counts).toMatchObject({ users: 2, liveUsers: 1, appIdentities: 2, unionIdentities: 1 });
    const events = await stack.deps.store.identity.listEvents();
    expect(events.filter((e) => e.type === 'user.merged')).toHaveLength(1);
  });

  it('keeps an unbound app on openid only: no unionid from login, 422 from /unionid', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const p = await stack.createPerson();
    const code = await wxLogin(stack, stack.apps.mpUnbound, p);
    const r = await stack.api(`/v1/mp/${stack.apps.mpUnbound}/login`, { code, ...(await wxUserData(stack, stack.apps.mpUnbound, p)) });
    expect(r.status).toBe(200);
    expect(r.body.unionid).toBeNull();
    const u = await stack.api(`/v1/mp/${stack.apps.mpUnbound}/unionid`, await wxUserData(stack, stack.apps.mpUnbound, p), { token: r.body.token });
    expect(u.status).toBe(422);
    expect(u.body.error.code).toBe('ERR_UNIONID_UNAVAILABLE');
  });
});

describe('POST /v1/mp/:appid/login (current unionid rule)', () => {
  it('gets the unionid from code2session and finds the same user from the second app (case 4)', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const p = await stack.createPerson();
    const a = await login(stack, stack.apps.mp1, p);
    const b = await login(stack, stack.apps.mp2, p);
    expect(a.body.unionid).toEqual(expect.any(String));
    expect(b.body).toMatchObject({ userId: a.body.userId, unionid: a.body.unionid, isNewUser: false });
    const again = await login(stack, stack.apps.mp1, p); // case 5
    expect(again.body).toMatchObject({ userId: a.body.userId, isNewUser: false });
  });

  it('answers a double-submitted code once upstream and gives both callers the same user', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const p = await stack.createPerson();
    const code = await wxLogin(stack, stack.apps.mp1, p);
    await stack.control('/__emulator/stats', undefined, 'DELETE');
    const [x, y] = await Promise.all([0, 1].map(() => stack.api(`/v1/mp/${stack.apps.mp1}/login`, { code })));
    expect(x!.status).toBe(200);
    expect(y!.status).toBe(200);
    expect(y!.body.userId).toBe(x!.body.userId);
    const stats = await stack.control<{ calls: Record<string, number> }>('/__emulator/stats', undefined, 'GET');
    expect(stats.calls['/sns/jscode2session']).toBe(1);
  });

  it('issues ES256 tokens that verify offline against /.well-known/jwks.json, and never returns the session_key', async () => {
    stack = await startStack({ unionidRule: 'current' });
    const p = await stack.createPerson();
    const r = await login(stack, stack.apps.mp1, p);
    const jwks = await stack.api('/.well-known/jwks.json');
    const { payload, protectedHeader } = await jwtVerify(r.body.token, createLocalJWKSet(jwks.body), { issuer: 'weunion', audience: stack.apps.mp1 });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: r.body.userId, app: stack.apps.mp1, oid: r.body.openid });
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);
    const sessionKey = stack.emulator.state.sessionKey(p, stack.apps.mp1)!;
    const me = await stack.api('/v1/me', undefined, { token: r.body.token });
    for (const text of [JSON.stringify(r.body), JSON.stringify(me.body)]) expect(text).not.toContain(sessionKey);
    const stored = await stack.deps.store.identity.findAppIdentity(stack.apps.mp1, r.body.openid);
    expect(stored?.sessionKeyEnc).toBeTruthy();
    expect(stored?.sessionKeyEnc).not.toContain(sessionKey);
  });
});
