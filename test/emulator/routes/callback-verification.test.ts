import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callbackSignature } from '../../../src/emulator/msg-crypt.js';
import { OA_PUSH, startEmulator, type Harness } from '../helpers.js';
import { startReceiver, type Receiver } from '../push-receiver.js';

describe('the server-URL check (echostr GET) when a callback URL is set', () => {
  let h: Harness;
  let rx: Receiver;
  beforeEach(async () => {
    h = await startEmulator();
    rx = await startReceiver();
  });
  afterEach(async () => {
    await h.close();
    await rx.close();
  });

  it('PATCH sends a signed GET with echostr and answers verification.ok when the body echoes it', async () => {
    const r = await h.send('PATCH', `/__emulator/apps/${OA_PUSH.appid}`, { callbackUrl: rx.url });
    expect(rx.checks).toHaveLength(1);
    const q = rx.checks[0]!.query;
    expect(Object.keys(q).sort()).toEqual(['echostr', 'nonce', 'signature', 'timestamp']);
    expect(q.signature).toBe(callbackSignature(OA_PUSH.token as string, q.timestamp!, q.nonce!));
    expect(r.json.verification).toMatchObject({ url: rx.url, ok: true, status: 200 });
    expect((await h.get(`/__emulator/apps/${OA_PUSH.appid}`)).json.verification.ok).toBe(true);
    expect(rx.received).toHaveLength(0); // no push was made
  });

  it('a receiver that answers something else (or nothing) fails the check; the URL is kept', async () => {
    rx.answerChecks('success');
    const r = await h.send('PATCH', `/__emulator/apps/${OA_PUSH.appid}`, { callbackUrl: rx.url });
    expect(r.json).toMatchObject({ callbackUrl: rx.url, verification: { ok: false, status: 200 } });
    const gone = await h.send('PATCH', `/__emulator/apps/${OA_PUSH.appid}`, { callbackUrl: 'http://127.0.0.1:9/cb' });
    expect(gone.json.verification).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/^connection error/) });
  });

  it('configureApp() sends it in the background; settlePushes() waits for it; clearing the URL sends none', async () => {
    h.emu.configureApp(OA_PUSH.appid, { callbackUrl: rx.url });
    await h.emu.settlePushes();
    expect(h.emu.verification(OA_PUSH.appid)).toMatchObject({ ok: true });
    h.emu.configureApp(OA_PUSH.appid, { callbackUrl: null });
    h.emu.configureApp(OA_PUSH.appid, { messageMode: 'plain' });
    await h.emu.settlePushes();
    expect(rx.checks).toHaveLength(1);
  });
});
