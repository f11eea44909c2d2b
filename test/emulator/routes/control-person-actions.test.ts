import { createDecipheriv } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callbackSignature, decryptMessage } from '../../../src/emulator/msg-crypt.js';
import { xmlField } from '../../../src/emulator/push-xml.js';
import { OA, OA_PUSH, T0, startEmulator, type Harness } from '../helpers.js';
import { startReceiver, type Receiver } from '../push-receiver.js';
import { settlesWithin } from '../../helpers/hang-guard.js';

const KEY = OA_PUSH.encodingAesKey as string;
const TOKEN = OA_PUSH.token as string;

/** The plaintext XML a received push carries (decrypting safe/compatible bodies after checking both signatures). */
function open(r: { query: Record<string, string>; body: string }): string {
  const q = r.query;
  expect(q.signature).toBe(callbackSignature(TOKEN, q.timestamp!, q.nonce!));
  const encrypt = xmlField(r.body, 'Encrypt');
  if (encrypt === undefined) return r.body;
  expect(q.encrypt_type).toBe('aes');
  expect(q.msg_signature).toBe(callbackSignature(TOKEN, q.timestamp!, q.nonce!, encrypt));
  const d = decryptMessage({ encodingAesKey: KEY, encrypt });
  expect(d.appid).toBe(OA_PUSH.appid);
  return d.message;
}

describe('control API: person actions push to the callback', () => {
  let h: Harness;
  let rx: Receiver;
  let openid: string;
  let p: string;
  beforeEach(async () => {
    h = await startEmulator({ pushTimeoutMs: 200, pushTimes: 'virtual' });
    rx = await startReceiver();
    h.emu.configureApp(OA_PUSH.appid, { callbackUrl: rx.url });
    p = await h.person({ name: 'Ann' });
    openid = h.emu.state.openid(p, OA_PUSH.appid);
  });
  afterEach(async () => {
    await h.close();
    await rx.close();
  });

  const pushOf = async (id: string) => (await h.get(`/__emulator/pushes/${id}`, { wait: '1' })).json;

  it('follow pushes a signed, encrypted subscribe event (safe mode) and answers { pushId } at once', async () => {
    const r = await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid });
    expect(r.json).toMatchObject({ pushId: 'push_1', follows: [OA_PUSH.appid], subscribedAt: { [OA_PUSH.appid]: T0 } });
    const push = await pushOf(r.json.pushId);
    expect(push).toMatchObject({
      id: 'push_1',
      appid: OA_PUSH.appid,
      person: p,
      openid,
      kind: 'subscribe',
      mode: 'safe',
      msgId: null,
      done: true,
      answered: true,
    });
    expect(push.attempts).toEqual([expect.objectContaining({ at: T0, status: 200, body: 'success' })]);
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(Object.keys(got.query)).toEqual(['signature', 'timestamp', 'nonce', 'openid', 'encrypt_type', 'msg_signature']);
    expect(got.query).toMatchObject({ timestamp: String(T0 / 1000), openid });
    expect(got.body).toMatch(/^<xml><ToUserName><!\[CDATA\[gh_0123456789ab\]\]><\/ToUserName><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><\/xml>$/);
    const xml = open(got);
    expect(xml).toBe(
      `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
        `<CreateTime>${T0 / 1000}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>` +
        '<EventKey><![CDATA[]]></EventKey></xml>',
    );
    expect(push.xml).toBe(xml);
  });

  it('a text message is retried after a timeout and a dropped connection with the same MsgId and CreateTime', async () => {
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid });
    await h.get('/__emulator/pushes', { wait: '1' });
    rx.received.length = 0;
    rx.script('timeout', 'drop', 'success');
    await h.advance(60);
    const r = await h.post(`/__emulator/persons/${p}/message`, { appid: OA_PUSH.appid, text: 'hello <b>&]]>' });
    expect(r.json.msgId).toMatch(/^[1-9]\d{16}$/);
    const push = await pushOf(r.json.pushId);
    expect(push.attempts.map((a: { error?: string }) => a.error ?? 'ok')).toEqual(['timeout', expect.stringMatching(/^connection error/), 'ok']);
    expect(push).toMatchObject({ kind: 'text', msgId: r.json.msgId, answered: true });
    expect(rx.received).toHaveLength(3);
    const xmls = rx.received.map(open);
    expect(new Set(xmls).size).toBe(1);
    expect(xmlField(xmls[0]!, 'MsgId')).toBe(r.json.msgId);
    expect(xmlField(xmls[0]!, 'CreateTime')).toBe(String(T0 / 1000 + 60));
    expect(xmlField(xmls[0]!, 'MsgType')).toBe('text');
    expect(xmls[0]).toContain('<Content><![CDATA[hello <b>&]]]]><![CDATA[>]]></Content>');
    expect(new Set(rx.received.map((x) => x.query.nonce)).size).toBe(3);
    // What was sent is recorded with each attempt.
    expect(push.attempts.map((a: { sent: { body: string } }) => a.sent.body)).toEqual(rx.received.map((x) => x.body));
  });

  it('loseAnswers makes WeChat retry a push the receiver already answered: same XML, every try delivered', async () => {
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid });
    await h.emu.settlePushes();
    const r = await h.post(`/__emulator/persons/${p}/message`, { appid: OA_PUSH.appid, text: 'once', loseAnswers: 2 });
    const push = await pushOf(r.json.pushId);
    expect(push.attempts.map((a: { status: number; error?: string }) => [a.status, a.error ?? 'ok'])).toEqual([
      [200, 'answer lost (simulated)'],
      [200, 'answer lost (simulated)'],
      [200, 'ok'],
    ]);
    expect(push.answered).toBe(true);
    const texts = rx.received.slice(1).map(open);
    expect(texts).toHaveLength(3);
    expect(new Set(texts).size).toBe(1);
    expect((await h.post(`/__emulator/persons/${p}/message`, { appid: OA_PUSH.appid, text: 'x', loseAnswers: 3 })).status).toBe(400);
  });

  it('500 on every try: three attempts, then done and unanswered', async () => {
    rx.script('500', '500', '500');
    const r = await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid });
    const push = await pushOf(r.json.pushId);
    expect(push).toMatchObject({ done: true, answered: false });
    expect(push.attempts.map((a: { status: number; error: string }) => [a.status, a.error])).toEqual([
      [500, 'HTTP 500'],
      [500, 'HTTP 500'],
      [500, 'HTTP 500'],
    ]);
  });

  it('scan of a temporary QR code by a non-follower pushes subscribe qrscene_<scene> + Ticket and starts following; then SCAN', async () => {
    const token = await h.token(OA_PUSH);
    const qr = await h.post(`/cgi-bin/qrcode/create?access_token=${token}`, {
      expire_seconds: 600,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'login_abc' } },
    });
    const first = await h.post(`/__emulator/persons/${p}/scan`, { appid: OA_PUSH.appid, ticket: qr.json.ticket });
    expect(first.json.event).toBe('subscribe');
    await pushOf(first.json.pushId);
    const sub = open(rx.received[0]!);
    expect(xmlField(sub, 'Event')).toBe('subscribe');
    expect(xmlField(sub, 'EventKey')).toBe('qrscene_login_abc');
    expect(xmlField(sub, 'Ticket')).toBe(qr.json.ticket);
    const info = await h.get('/cgi-bin/user/info', { access_token: token, openid });
    expect(info.json).toMatchObject({ subscribe: 1, subscribe_scene: 'ADD_SCENE_QR_CODE', qr_scene: 0, qr_scene_str: 'login_abc' });

    const again = await h.post(`/__emulator/persons/${p}/scan`, { appid: OA_PUSH.appid, ticket: qr.json.ticket });
    expect(again.json.event).toBe('SCAN');
    await pushOf(again.json.pushId);
    const scan = open(rx.received[1]!);
    expect(xmlField(scan, 'Event')).toBe('SCAN');
    expect(xmlField(scan, 'EventKey')).toBe('login_abc');
    expect(xmlField(scan, 'Ticket')).toBe(qr.json.ticket);
  });

  it('scan refuses an expired ticket (400, reason ticket_expired) and an unknown one (404), and pushes nothing', async () => {
    const token = await h.token(OA_PUSH);
    const qr = await h.post(`/cgi-bin/qrcode/create?access_token=${token}`, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 7 } } });
    expect(qr.json.expire_seconds).toBe(30);
    await h.advance(30);
    const expired = await h.post(`/__emulator/persons/${p}/scan`, { appid: OA_PUSH.appid, ticket: qr.json.ticket });
    expect(expired.status).toBe(400);
    expect(expired.json.error).toMatchObject({ code: 'ERR_EMULATOR_BAD_REQUEST', details: { reason: 'ticket_expired' } });
    const unknown = await h.post(`/__emulator/persons/${p}/scan`, { appid: OA_PUSH.appid, ticket: 'gQnope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.details.reason).toBe('ticket_unknown');
    // A ticket of another account is unknown to this one.
    const other = await h.post(`/cgi-bin/qrcode/create?access_token=${await h.token(OA)}`, {
      action_name: 'QR_LIMIT_SCENE',
      action_info: { scene: { scene_id: 1 } },
    });
    expect((await h.post(`/__emulator/persons/${p}/scan`, { appid: OA_PUSH.appid, ticket: other.json.ticket })).status).toBe(404);
    expect((await h.get('/__emulator/pushes')).json).toEqual([]);
    expect(h.emu.state.person(p)?.follows).toEqual([]);
  });

  it('unfollow pushes unsubscribe; following twice or unfollowing a non-follower pushes nothing', async () => {
    expect((await h.post(`/__emulator/persons/${p}/unfollow`, { appid: OA_PUSH.appid })).json.pushId).toBeNull();
    expect((await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid })).json.pushId).toBe('push_1');
    expect((await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid })).json.pushId).toBeNull();
    await h.emu.settlePushes();
    const un = await h.post(`/__emulator/persons/${p}/unfollow`, { appid: OA_PUSH.appid });
    expect(un.json).toMatchObject({ pushId: 'push_2', follows: [] });
    await h.get('/__emulator/pushes', { wait: '1' });
    expect(xmlField(open(rx.received[1]!), 'Event')).toBe('unsubscribe');
    expect((await h.get('/__emulator/pushes')).json.map((x: { kind: string }) => x.kind)).toEqual(['subscribe', 'unsubscribe']);
  });

  it('message from a non-follower is refused; an account without a callback URL gets no push', async () => {
    const r = await h.post(`/__emulator/persons/${p}/message`, { appid: OA_PUSH.appid, text: 'hi' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
    const f = await h.post(`/__emulator/persons/${p}/follow`, { appid: OA.appid });
    expect(f.json).toMatchObject({ pushId: null, follows: [OA.appid] });
    expect((await h.post(`/__emulator/persons/${p}/message`, { appid: OA.appid, text: 'hi' })).json.pushId).toBeNull();
  });

  it('compatible mode sends the plaintext fields plus Encrypt; plain mode sends bare XML without encrypt_type', async () => {
    h.emu.configureApp(OA_PUSH.appid, { messageMode: 'compatible' });
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid });
    await h.get('/__emulator/pushes', { wait: '1' });
    const compat = rx.received[0]!;
    const xml = open(compat);
    expect(compat.body).toBe(xml.replace(/<\/xml>$/, `<Encrypt><![CDATA[${xmlField(compat.body, 'Encrypt')}]]></Encrypt></xml>`));

    expect((await h.send('PATCH', `/__emulator/apps/${OA_PUSH.appid}`, { messageMode: 'plain' })).json.messageMode).toBe('plain');
    await h.post(`/__emulator/persons/${p}/message`, { appid: OA_PUSH.appid, text: 'plain please' });
    await h.get('/__emulator/pushes', { wait: '1' });
    const plain = rx.received[1]!;
    expect(Object.keys(plain.query)).toEqual(['signature', 'timestamp', 'nonce', 'openid']);
    expect(open(plain)).toBe(plain.body);
    expect(xmlField(plain.body, 'Content')).toBe('plain please');
  });

  it('a fixed random makes the ciphertext reproducible: its 16 bytes lead the plaintext', async () => {
    await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid, random: '0123456789abcdef' });
    await h.get('/__emulator/pushes', { wait: '1' });
    const encrypt = xmlField(rx.received[0]!.body, 'Encrypt')!;
    const key = Buffer.from(`${KEY}=`, 'base64');
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()]);
    expect(plain.subarray(0, 16).toString()).toBe('0123456789abcdef');
    const bad = await h.post(`/__emulator/persons/${p}/unfollow`, { appid: OA_PUSH.appid, random: 'short' });
    expect(bad.json.error.code).toBe('ERR_EMULATOR_BAD_REQUEST');
  });

  it('DELETE /pushes cancels a push waiting on its callback and forgets the records; reset does too', async () => {
    rx.script('timeout');
    const slow = await startEmulator({ pushTimeoutMs: 60_000 });
    try {
      slow.emu.configureApp(OA_PUSH.appid, { callbackUrl: rx.url });
      const q = await slow.person();
      await slow.post(`/__emulator/persons/${q}/follow`, { appid: OA_PUSH.appid });
      await new Promise((r) => setTimeout(r, 50));
      expect((await slow.get('/__emulator/pushes')).json[0]).toMatchObject({ done: false, attempts: [] });
      // The push waits up to 60 s for its answer; DELETE cancels it instead of waiting that out.
      expect((await settlesWithin(slow.send('DELETE', '/__emulator/pushes'), 20_000, 'DELETE /pushes with a push in flight')).json).toEqual({ ok: true });
      expect((await slow.get('/__emulator/pushes')).json).toEqual([]);
      expect((await slow.get('/__emulator/pushes/push_1')).status).toBe(404);
      rx.script('timeout');
      await slow.post(`/__emulator/persons/${q}/unfollow`, { appid: OA_PUSH.appid });
      await new Promise((r) => setTimeout(r, 50));
      await slow.post('/__emulator/reset');
      expect(slow.emu.pushes()).toEqual([]);
      // Push settings are app configuration: they survive the reset.
      expect(slow.emu.state.appCallback(OA_PUSH.appid)?.callbackUrl).toBe(rx.url);
    } finally {
      await slow.close();
    }
  });
});
