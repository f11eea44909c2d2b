/**
 * An app's OAuth domain (网页授权域名 / 授权回调域, src/emulator/oauth-domain.ts, #12): WeChat's page refuses a
 * redirect_uri off it with "redirect_uri 参数错误" (10003) before anyone is asked, and the control decision refuses it
 * too; the domain is set through the app options, `configureApp` or `PATCH /__emulator/apps/:appid`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../../src/emulator/index.js';
import { OA, startEmulator, WEB, type Harness } from '../helpers.js';

describe('emulator: the OAuth domain a redirect_uri must be on', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const page = (kind: 'oa' | 'web', redirectUri: string) =>
    h!.get(kind === 'oa' ? '/connect/oauth2/authorize' : '/connect/qrconnect', {
      appid: kind === 'oa' ? OA.appid : WEB.appid,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: kind === 'oa' ? 'snsapi_base' : 'snsapi_login',
      state: 's',
    });
  const refused = (r: { text: string }) => r.text.includes('data-errcode="10003"') && r.text.includes('redirect_uri 参数错误');

  it('the official-account page admits the exact host, any path, http or https; refuses subdomains, the parent, look-alikes and other ports', async () => {
    h = await startEmulator({ apps: [{ ...OA, oauthDomain: 'www.example.com' }, WEB] });
    await h.person();
    for (const ok of ['https://www.example.com/cb', 'http://www.example.com/deep/path?x=1', 'https://WWW.Example.com/', 'https://www.example.com:443/cb']) {
      const r = await page('oa', ok);
      expect(refused(r), ok).toBe(false);
      expect(r.text, ok).toContain('<form');
    }
    for (const bad of [
      'https://pay.example.com/cb',
      'https://example.com/cb',
      'https://www.example.com.evil.test/cb',
      'https://evil.test/www.example.com/cb',
      'https://www.example.com:8443/cb',
      'http://www.example.com:8080/cb',
    ]) {
      const r = await page('oa', bad);
      expect(refused(r), bad).toBe(true);
      expect(r.text).not.toContain('<form');
    }
  });

  it('a registered port must match exactly; a list admits each entry', async () => {
    h = await startEmulator({ apps: [{ ...OA, oauthDomain: ['127.0.0.1:3000', 'id.example.com'] }, WEB] });
    expect(refused(await page('oa', 'http://127.0.0.1:3000/v1/oa/cb'))).toBe(false);
    expect(refused(await page('oa', 'https://id.example.com/cb'))).toBe(false);
    expect(refused(await page('oa', 'http://127.0.0.1:3001/v1/oa/cb'))).toBe(true);
    expect(refused(await page('oa', 'http://127.0.0.1/v1/oa/cb'))).toBe(true);
  });

  it('the website page: exact by default; websiteOAuthSubdomains also admits subdomains (unconfirmed), never for an official account', async () => {
    h = await startEmulator({
      apps: [
        { ...OA, oauthDomain: 'example.com' },
        { ...WEB, oauthDomain: 'example.com' },
      ],
    });
    expect(refused(await page('web', 'https://example.com/cb'))).toBe(false);
    expect(refused(await page('web', 'https://www.example.com/cb'))).toBe(true);
    await h.close();
    h = await startEmulator({
      apps: [
        { ...OA, oauthDomain: 'example.com' },
        { ...WEB, oauthDomain: 'example.com' },
      ],
      websiteOAuthSubdomains: true,
    });
    expect(refused(await page('web', 'https://www.example.com/cb'))).toBe(false);
    expect(refused(await page('web', 'https://notexample.com/cb'))).toBe(true);
    expect(refused(await page('oa', 'https://www.example.com/cb'))).toBe(true);
  });

  it('the control decision and the page’s decide route refuse an off-domain redirect_uri too: no code is minted', async () => {
    h = await startEmulator({ apps: [{ ...OA, oauthDomain: 'www.example.com' }, WEB] });
    const person = await h.person();
    const body = { appid: OA.appid, person, scope: 'snsapi_base', redirectUri: 'https://evil.test/steal', state: 's', decision: 'consent' };
    const r = await h.post('/__emulator/oauth/authorize', body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'ERR_EMULATOR_BAD_REQUEST' });
    expect(r.json.error.message).toContain('10003');
    const decide = await fetch(`${h.base}/__emulator/oauth/decide?${new URLSearchParams(body)}`, { redirect: 'manual' });
    expect(decide.status).toBe(400);
    const ok = await h.post('/__emulator/oauth/authorize', { ...body, redirectUri: 'https://www.example.com/cb' });
    expect(ok.json.location).toMatch(/^https:\/\/www\.example\.com\/cb\?code=/);
  });

  it('is set, shown and cleared through PATCH /__emulator/apps/:appid and configureApp(); unset admits any http(s) URL', async () => {
    h = await startEmulator();
    expect(refused(await page('oa', 'https://anything.test/cb'))).toBe(false);
    expect((await h.get(`/__emulator/apps/${OA.appid}`)).json.oauthDomain).toBeUndefined();
    const patched = await h.send('PATCH', `/__emulator/apps/${OA.appid}`, { oauthDomain: 'ID.example.com' });
    expect(patched.status).toBe(200);
    expect(patched.json.oauthDomain).toEqual(['id.example.com']);
    expect(refused(await page('oa', 'https://anything.test/cb'))).toBe(true);
    expect(refused(await page('oa', 'https://id.example.com/cb'))).toBe(false);
    expect(h.emu.configureApp(WEB.appid, { oauthDomain: ['a.example.com', 'b.example.com:8443'] }).oauthDomain).toEqual([
      'a.example.com',
      'b.example.com:8443',
    ]);
    expect(refused(await page('web', 'https://b.example.com:8443/cb'))).toBe(false);
    expect((await h.send('PATCH', `/__emulator/apps/${OA.appid}`, { oauthDomain: null })).json.oauthDomain).toBeUndefined();
    expect(refused(await page('oa', 'https://anything.test/cb'))).toBe(false);
    for (const bad of ['https://id.example.com', 'id.example.com/cb', 'user@id.example.com', 'id.example.com:99999', '', []]) {
      const r = await h.send('PATCH', `/__emulator/apps/${OA.appid}`, { oauthDomain: bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(() => h!.emu.configureApp(OA.appid, { oauthDomain: bad as never })).toThrow(TypeError);
    }
    // A refused patch changes nothing, the callback part included.
    expect((await h.send('PATCH', `/__emulator/apps/${OA.appid}`, { oauthDomain: 'x/y', messageMode: 'compatible' })).status).toBe(400);
    expect((await h.send('PATCH', `/__emulator/apps/${OA.appid}`, { oauthDomain: 'ok.example.com', messageMode: 'safe' })).status).toBe(400); // no key
    expect((await h.get(`/__emulator/apps/${OA.appid}`)).json).toMatchObject({ messageMode: 'plain' });
    expect((await h.get(`/__emulator/apps/${OA.appid}`)).json.oauthDomain).toBeUndefined();
    expect(() => createEmulator({ apps: [{ ...OA, oauthDomain: 'https://x.example.com' }] })).toThrow(TypeError);
  });
});
