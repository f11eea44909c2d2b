/**
 * The whole story, one person, every road, legacy unionid rule: mini program 1 without a unionid, follows
 * the official account, logs into the website by QR (OAuth), into the mobile app, and through scan-to-follow; back
 * in mini program 1 the split is healed. One live user id everywhere; every id issued earlier resolves to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { authorize, decide, land } from './oauth-browser.js';

let stack: Stack;
afterEach(async () => stack?.close());

describe('one person across every channel', () => {
  it.each(['safe', 'plain'] as const)('ends on one live user id, earlier ids resolving to it (callback mode %s)', async (messageMode) => {
    stack = await startStack({ unionidRule: 'legacy', messageMode });
    const p = await stack.createPerson({ name: 'Li Lei', declinesUserInfo: true });
    const tokens: string[] = [];
    const ids: string[] = [];
    const keep = (body: { userId: string; token: string }) => {
      ids.push(body.userId);
      tokens.push(body.token);
    };

    // 1. Mini program 1: no unionid (not following; declines the profile prompt) → an openid-only user.
    const mp = await login(stack, stack.apps.mp1, p);
    expect(mp.body.unionid).toBeNull();
    keep(mp.body);

    // 2. Follows the official account: push → job → user/info → the unionid's user.
    await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
    await stack.settle();

    // 3. The website, by QR (snsapi_login): the same unionid → the official account's user.
    const consent = await authorize(stack, `/v1/web/${stack.apps.web}/authorize?redirect=${encodeURIComponent('http://127.0.0.1:9/after')}`);
    const back = await land(await decide(stack, consent, p, 'consent'));
    const web = await stack.api('/v1/session/exchange', { code: back.searchParams.get('code') });
    expect(web.status, JSON.stringify(web.body)).toBe(200);
    keep(web.body);

    // 4. The mobile app.
    const { code } = await stack.control<{ code: string }>('/__emulator/app.login', { appid: stack.apps.app, person: p });
    const app = await stack.api(`/v1/app/${stack.apps.app}/login`, { code });
    expect(app.status, JSON.stringify(app.body)).toBe(200);
    keep(app.body);

    // 5. Scan-to-follow website login (already following: a SCAN event).
    const qr = await stack.api(`/v1/oa/${stack.apps.oa}/qr-login`, {});
    await stack.control(`/__emulator/persons/${p}/scan`, { appid: stack.apps.oa, ticket: qr.body.ticket });
    await stack.settle();
    const done = await stack.api(`/v1/qr-login/${qr.body.id}`);
    expect(done.body.status).toBe('done');
    const scanned = await stack.api('/v1/session/exchange', { code: done.body.loginCode });
    keep(scanned.body);

    // 6. Mini program 1 again: following now, so code2session carries the unionid → the openid-only user merges.
    const again = await login(stack, stack.apps.mp1, p);
    keep(again.body);

    const survivor = again.body.userId as string;
    expect(new Set([web.body.userId, app.body.userId, scanned.body.userId, survivor]).size).toBe(1);
    expect(mp.body.userId).not.toBe(survivor); // it was split, and has been merged
    for (const token of tokens) {
      const me = await stack.api('/v1/me', undefined, { token });
      expect(me.body.userId).toBe(survivor);
    }
    const view = await stack.api('/v1/me', undefined, { token: again.body.token });
    const appids = view.body.identities.app.map((a: { appid: string }) => a.appid).sort();
    expect(appids).toEqual([stack.apps.app, stack.apps.mp1, stack.apps.oa, stack.apps.web].sort());
    expect(await stack.deps.store.identity.counts()).toMatchObject({ liveUsers: 1, unionIdentities: 1, appIdentities: 4 });
    expect(ids.length).toBe(5);
  });
});
