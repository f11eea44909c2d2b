import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { xmlField } from '../../../src/emulator/push-xml.js';
import { MINI, OA, startEmulator, type Harness } from '../helpers.js';
import { readJpeg } from '../jpeg-reader.js';
import { startReceiver } from '../push-receiver.js';

describe('POST /cgi-bin/qrcode/create', () => {
  let h: Harness;
  let url: string;
  beforeEach(async () => {
    h = await startEmulator({ qrDefaultExpireSeconds: 60 });
    url = `/cgi-bin/qrcode/create?access_token=${await h.token(OA)}`;
  });
  afterEach(() => h.close());

  it('qrcode/create() answers { ticket, expire_seconds, url } for a temporary code, default expiry from the option', async () => {
    const r = await h.post(url, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 123 } } });
    expect(Object.keys(r.json)).toEqual(['ticket', 'expire_seconds', 'url']);
    expect(r.json.expire_seconds).toBe(60);
    expect(r.json.ticket).toMatch(/^gQ[A-Za-z0-9_-]{80,}$/); // URL-safe base64, no padding
    expect(r.json.url).toMatch(/^http:\/\/weixin\.qq\.com\/q\/02/);
    const other = await h.post(url, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 123 } } });
    expect(other.json.ticket).not.toBe(r.json.ticket);
  });

  it('qrcode/create() keeps a given expire_seconds and clamps it to 2,592,000', async () => {
    expect((await h.post(url, { expire_seconds: 604800, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 's' } } })).json.expire_seconds).toBe(
      604800,
    );
    expect((await h.post(url, { expire_seconds: 9_999_999, action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } })).json.expire_seconds).toBe(
      2_592_000,
    );
  });

  it('showqrcode() answers a JPEG (image/jpg) for a live ticket, encoded or not; 404 for an expired or unknown one', async () => {
    const r = await h.post(url, { expire_seconds: 60, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'a<b>' } } });
    const ticket = r.json.ticket as string;
    const img = await fetch(`${h.base}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpg');
    const jpeg = readJpeg(Buffer.from(await img.arrayBuffer()));
    expect([jpeg.width, jpeg.height]).toEqual([200, 200]);
    expect(jpeg.markers).toEqual([0xe0, 0xdb, 0xc0, 0xc4, 0xc4, 0xda]);
    // Quiet zone white, the top-left finder square's ring black.
    expect(jpeg.levels[0]?.[0]).toBe(255);
    expect(jpeg.levels[2]?.slice(2, 9)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(jpeg.levels.flat().every((l) => l === 0 || l === 255)).toBe(true);
    // Unencoded, the ticket is the same string (no '+' to turn into a space).
    expect((await fetch(`${h.base}/cgi-bin/showqrcode?ticket=${ticket}`)).status).toBe(200);
    expect((await fetch(`${h.base}/cgi-bin/showqrcode?ticket=gQnope`)).status).toBe(404);
    await h.advance(60);
    const expired = await fetch(`${h.base}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`);
    expect([expired.status, await expired.text()]).toEqual([404, 'QR code expired']);
  });

  it('tickets never hold + / or = (50 of them)', async () => {
    for (let i = 0; i < 50; i++) {
      const r = await h.post(url, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: i } } });
      expect(r.json.ticket).not.toMatch(/[+/=]/);
    }
  });

  it('qrcode/create() answers { ticket, url } for permanent codes, which never expire', async () => {
    const r = await h.post(url, { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'shelf' } } });
    expect(Object.keys(r.json)).toEqual(['ticket', 'url']);
    const p = await h.person();
    await h.advance(10 * 365 * 86_400);
    const scan = await h.post(`/__emulator/persons/${p}/scan`, { appid: OA.appid, ticket: r.json.ticket });
    expect(scan.json).toEqual({ pushId: null, event: 'subscribe' });
  });

  it('a temporary ticket works until expire_seconds on the virtual clock; a numeric scene shows in user/info', async () => {
    const r = await h.post(url, { expire_seconds: 120, action_name: 'QR_SCENE', action_info: { scene: { scene_id: 42 } } });
    const p = await h.person();
    await h.advance(119);
    expect((await h.post(`/__emulator/persons/${p}/scan`, { appid: OA.appid, ticket: r.json.ticket })).status).toBe(200);
    const info = await h.get('/cgi-bin/user/info', { access_token: await h.token(OA), openid: h.emu.state.openid(p, OA.appid) });
    expect(info.json).toMatchObject({ subscribe: 1, subscribe_scene: 'ADD_SCENE_QR_CODE', qr_scene: 42, qr_scene_str: '' });
    await h.advance(1);
    expect((await h.post(`/__emulator/persons/${p}/scan`, { appid: OA.appid, ticket: r.json.ticket })).json.error.details.reason).toBe('ticket_expired');
  });

  it('qrcode/create() without the scene wrapper uses scene 0 (EventKey qrscene_0)', async () => {
    const rx = await startReceiver();
    try {
      h.emu.configureApp(OA.appid, { token: 'tok123', callbackUrl: rx.url });
      const r = await h.post(url, { action_name: 'QR_SCENE' });
      const p = await h.person();
      await h.post(`/__emulator/persons/${p}/scan`, { appid: OA.appid, ticket: r.json.ticket });
      await h.emu.settlePushes();
      expect(xmlField(rx.received[0]!.body, 'EventKey')).toBe('qrscene_0');
    } finally {
      await rx.close();
    }
  });

  it('qrcode/create() answers 40097 for a bad action or scene, 44002/47001 for bad bodies, 48001 for a mini program token', async () => {
    for (const body of [
      { action_name: 'QR_NOPE', action_info: { scene: { scene_id: 1 } } },
      { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_001 } } },
      { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 0 } } },
      { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 'x' } } },
      { action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'x'.repeat(65) } } },
      { action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: '' } } },
      { action_name: 'QR_SCENE', expire_seconds: 'soon', action_info: { scene: { scene_id: 1 } } },
    ]) {
      expect((await h.post(url, body)).json.errcode, JSON.stringify(body)).toBe(40097);
    }
    expect((await h.post(url)).json.errcode).toBe(44002);
    expect((await h.post(url, 'QR_SCENE')).json.errcode).toBe(47001);
    const mini = await h.post(`/cgi-bin/qrcode/create?access_token=${await h.token(MINI)}`, { action_name: 'QR_SCENE' });
    expect(mini.json.errcode).toBe(48001);
  });
});
