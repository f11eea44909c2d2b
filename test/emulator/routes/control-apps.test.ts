import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../../src/emulator/index.js';
import { MINI, OA, OA_PUSH, startEmulator, type Harness } from '../helpers.js';

describe('control API: app push settings', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('GET /apps/:appid shows the push settings, defaulting to safe mode with a key and gh_<appid> without an original id', async () => {
    const r = await h.get(`/__emulator/apps/${OA_PUSH.appid}`);
    expect(r.json).toEqual({
      appid: OA_PUSH.appid,
      kind: 'officialAccount',
      callbackUrl: null,
      messageMode: 'safe',
      originalId: 'gh_0123456789ab',
      hasToken: true,
      hasEncodingAesKey: true,
    });
    expect(r.text).not.toContain(OA_PUSH.encodingAesKey);
    expect(r.text).not.toContain(OA_PUSH.token);
    expect((await h.get(`/__emulator/apps/${OA.appid}`)).json).toMatchObject({ messageMode: 'plain', originalId: `gh_${OA.appid}`, hasToken: false });
    expect((await h.get('/__emulator/apps/wxnope')).status).toBe(404);
  });

  it('PATCH /apps/:appid changes the callback URL and mode, and configureApp() does the same in process', async () => {
    const r = await h.send('PATCH', `/__emulator/apps/${OA_PUSH.appid}`, { callbackUrl: 'http://127.0.0.1:9/cb', messageMode: 'compatible' });
    expect(r.json).toMatchObject({ callbackUrl: 'http://127.0.0.1:9/cb', messageMode: 'compatible' });
    expect(h.emu.configureApp(OA_PUSH.appid, { callbackUrl: null })).toMatchObject({ callbackUrl: null, messageMode: 'compatible' });
    expect(h.emu.configureApp(OA.appid, { token: 'tok123', callbackUrl: 'https://example.com/cb' })).toMatchObject({ hasToken: true, messageMode: 'plain' });
    expect(h.emu.state.appCallback(OA.appid)?.callbackUrl).toBe('https://example.com/cb');
  });

  it('PATCH refuses what cannot push: no token, encryption without a key, a non-official account, a bad URL or mode', async () => {
    for (const [appid, body] of [
      [OA.appid, { callbackUrl: 'http://127.0.0.1:9/cb' }],
      [OA.appid, { messageMode: 'safe' }],
      [MINI.appid, { token: 'abc', callbackUrl: 'http://127.0.0.1:9/cb' }],
      [OA_PUSH.appid, { callbackUrl: 'ftp://x/cb' }],
      [OA_PUSH.appid, { messageMode: 'aes' }],
      [OA_PUSH.appid, { encodingAesKey: 'tooshort' }],
      [OA_PUSH.appid, { typo: 1 }],
    ] as const) {
      const r = await h.send('PATCH', `/__emulator/apps/${appid}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    }
    expect(() => h.emu.configureApp(OA.appid, { messageMode: 'safe' })).toThrow(TypeError);
    expect(() => h.emu.configureApp('wxnope', {})).toThrow(TypeError);
    expect(h.emu.state.appCallback(OA.appid)?.messageMode).toBe('plain'); // unchanged by the refused patches
  });

  it('createEmulator() refuses app options that cannot push (TypeError)', () => {
    expect(() => createEmulator({ apps: [{ ...OA, callbackUrl: 'http://127.0.0.1:9/cb' }] })).toThrow(/token/);
    expect(() => createEmulator({ apps: [{ ...OA, token: 'abc', messageMode: 'safe' }] })).toThrow(/encodingAesKey/);
    expect(() => createEmulator({ apps: [{ ...MINI, token: 'abc', callbackUrl: 'http://127.0.0.1:9/cb' }] })).toThrow(/official accounts/);
    expect(() => createEmulator({ apps: [{ ...OA, encodingAesKey: 'x'.repeat(42) }] })).toThrow(TypeError);
  });
});
