/**
 * `GET|POST /v1/oa/:appid/callback` through inject(): URL verification, pushes in every mode, the typed refusals, the
 * passive replies and the jobs the pushes become. The push itself (opening, dedup, replies) on the flow object is
 * test/flows/oa/oa-push.test.ts; pushes from the emulator over real HTTP are test/e2e/oa-callback.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { parseCallbackXml, xmlText } from '../../../src/wechat/callback/callback-xml.js';
import { createMessageCrypt } from '../../../src/wechat/crypto/msg-crypt.js';
import { expectError } from '../../helpers/expect-error.js';
import { withoutWrites } from '../../helpers/no-writes.js';
import { AES_KEY, eventXml, type Harness, OA, OA_PLAIN, textXml, TOKEN, useHarness } from '../../helpers/oa-harness.js';
import { APPS } from '../../helpers/test-apps.js';

const harness = useHarness();
let h: Harness;
beforeEach(() => void (h = harness()));
const now = () => h.now();

describe('GET /v1/oa/:appid/callback (URL verification)', () => {
  it('echoes echostr as text/plain when the signature matches', async () => {
    // Within callback.timestampWindowSeconds: the verification is held to the window like a push.
    const q = new URLSearchParams({
      signature: h.crypt.signature(now(), '486452656'),
      timestamp: String(now()),
      nonce: '486452656',
      echostr: '5837397520665436492',
    });
    const res = await h.call('GET', `/v1/oa/${OA}/callback?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe('5837397520665436492');
  });

  it('refuses a forged signature (403 ERR_CALLBACK_SIGNATURE), a non-OA app and an unknown app', async () => {
    const q = new URLSearchParams({ signature: 'f'.repeat(40), timestamp: '1714037059', nonce: '486452656', echostr: 'x' });
    expectError(await h.call('GET', `/v1/oa/${OA}/callback?${q}`), 403, 'ERR_CALLBACK_SIGNATURE');
    expectError(await h.call('GET', `/v1/oa/${APPS.mp}/callback?${q}`), 400, 'ERR_APP_KIND');
    expectError(await h.call('GET', `/v1/oa/wxnobody/callback?${q}`), 404, 'ERR_APP_UNKNOWN');
  });
});

describe('POST /v1/oa/:appid/callback', () => {
  it.each(['plain', 'compatible', 'safe'] as const)('accepts a %s push, answers success and records one job', async (mode) => {
    const res = await h.push(eventXml('subscribe', { createTime: now() }), { mode });
    expect(res).toMatchObject({ status: 200, body: 'success' });
    expect(await h.jobCount()).toBe(1);
  });

  it('accepts a plain push to an account without an EncodingAESKey, whatever the content-type', async () => {
    const timestamp = String(now());
    // A fresh nonce (so a fresh signature) per push: one signature with two bodies is refused as a forgery.
    const q = (nonce: string) => new URLSearchParams({ signature: h.crypt.signature(timestamp, nonce), timestamp, nonce });
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      const res = await h.call('POST', `/v1/oa/${OA_PLAIN}/callback?${q(type)}`, {
        headers: { 'content-type': type },
        payload: textXml('hi', { msgId: type.length.toString() }),
      });
      expect(res.status, type).toBe(200);
    }
    const res = await h.call('POST', `/v1/oa/${OA_PLAIN}/callback?${q('none')}`, { payload: textXml('hi', { msgId: '77' }) }); // no content-type at all
    expect(res.status).toBe(200);
    expect(await h.jobCount()).toBe(4);
  });

  it('refuses a plain-mode signature reused with another body (ERR_CALLBACK_REPLAYED), accepts the same body again', async () => {
    const timestamp = String(now());
    const q = new URLSearchParams({ signature: h.crypt.signature(timestamp, '42'), timestamp, nonce: '42' });
    const post = (body: string) => h.call('POST', `/v1/oa/${OA_PLAIN}/callback?${q}`, { payload: body, headers: { 'content-type': 'text/xml' } });
    expect((await post(textXml('original', { msgId: '4201' }))).status).toBe(200);
    const forged = await withoutWrites(h.deps.store, () => post(textXml('forged', { msgId: '4202' })));
    expectError(forged, 403, 'ERR_CALLBACK_REPLAYED');
    expect((await post(textXml('original', { msgId: '4201' }))).status).toBe(200); // WeChat's own retry: same body
  });

  it('answers a retried push (same MsgId) success and records nothing more', async () => {
    const xml = textXml('hello', { createTime: now(), msgId: '23456789012345678901' });
    expect((await h.push(xml, { mode: 'safe' })).body).toBe('success');
    expect((await h.push(xml, { mode: 'safe' })).body).toBe('success');
    expect((await h.push(xml, { mode: 'plain' })).body).toBe('success');
    expect(await h.jobCount()).toBe(1);
  });

  it('refuses forged, replayed and malformed pushes with typed 4xx codes and stores nothing', async () => {
    const xml = eventXml('subscribe', { createTime: now() });
    await withoutWrites(h.deps.store, async () => {
      const cases: Array<[Promise<{ status: number; body: string }>, number, string]> = [
        [h.push(xml, { tamper: (q) => void (q.signature = h.crypt.signature('1', '2')) }), 403, 'ERR_CALLBACK_SIGNATURE'],
        [h.push(xml, { mode: 'safe', tamper: (q) => void (q.msg_signature = q.signature!) }), 403, 'ERR_CALLBACK_SIGNATURE'],
        [h.push(xml, { timestamp: now() - 301 }), 403, 'ERR_CALLBACK_TIMESTAMP'],
        [h.push(xml, { timestamp: now() + 3600 }), 403, 'ERR_CALLBACK_TIMESTAMP'],
        [h.push(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>${xml}`), 400, 'ERR_CALLBACK_XML_DOCTYPE'],
        [h.push('<xml><Oops></xml>'), 400, 'ERR_CALLBACK_XML'],
        [h.push(xml.replace(/<FromUserName>.*?<\/FromUserName>/, '')), 400, 'ERR_CALLBACK_XML'],
        [h.push(xml, { mode: 'safe', appid: OA_PLAIN }), 404, 'ERR_CALLBACK_NOT_CONFIGURED'],
        [h.push(`<xml>${'<A>x</A>'.repeat(10_000)}</xml>`), 413, 'ERR_PAYLOAD_TOO_LARGE'],
      ];
      for (const [pending, status, code] of cases) expectError(await pending, status, code);
    });
  });

  it('refuses a message encrypted for another appid (ERR_CALLBACK_APPID)', async () => {
    const other = createMessageCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: 'wxsomeoneelse00001' });
    const timestamp = String(now());
    const encrypt = other.encrypt(eventXml('subscribe', { createTime: now() }));
    const q = new URLSearchParams({
      signature: other.signature(timestamp, '9'),
      timestamp,
      nonce: '9',
      encrypt_type: 'aes',
      msg_signature: other.signature(timestamp, '9', encrypt),
    } as Record<string, string>);
    const res = await h.call('POST', `/v1/oa/${OA}/callback?${q}`, {
      headers: { 'content-type': 'text/xml' },
      payload: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });
    expectError(res, 400, 'ERR_CALLBACK_APPID');
    expect(await h.jobCount()).toBe(0);
  });

  it("sends a hook's passive reply plain to a plain push", async () => {
    h.deps.hooks.on('text', (m) => ({ type: 'text', content: `echo: ${m.content}` }));
    const res = await h.push(textXml('hi', { createTime: now() }));
    expect(res.contentType).toMatch(/^text\/xml/);
    const fields = parseCallbackXml(res.body);
    expect(fields).toMatchObject({ ToUserName: 'o-person-1', FromUserName: 'gh_test00000001', MsgType: 'text', Content: 'echo: hi' });
  });

  it.each(['compatible', 'safe'] as const)("sends a hook's passive reply encrypted and signed to a %s push", async (mode) => {
    h.deps.hooks.on('event:subscribe', () => ({ type: 'text', content: 'welcome' }));
    const res = await h.push(eventXml('subscribe', { createTime: now() }), { mode });
    const outer = parseCallbackXml(res.body);
    const encrypt = xmlText(outer, 'Encrypt')!;
    expect(h.crypt.verify({ signature: outer.MsgSignature, timestamp: outer.TimeStamp, nonce: outer.Nonce, encrypt })).toBe(true);
    expect(parseCallbackXml(h.crypt.decrypt(encrypt))).toMatchObject({ ToUserName: 'o-person-1', MsgType: 'text', Content: 'welcome' });
  });

  it('does not run hooks again for a retried push', async () => {
    let calls = 0;
    h.deps.hooks.on('*', () => {
      calls += 1;
      return { type: 'text', content: 'once' };
    });
    const xml = textXml('hi', { createTime: now() });
    expect((await h.push(xml)).body).toContain('once');
    expect((await h.push(xml)).body).toBe('success');
    expect(calls).toBe(1);
  });
});

describe('the oa.lookup / oa.unsubscribe jobs', () => {
  it('subscribe → user/info → a user with the unionid, following; unsubscribe → not following, nothing deleted', async () => {
    h.userInfo.unionids.set('o-person-1', 'u-person-1');
    await h.push(eventXml('subscribe', { createTime: now() }), { mode: 'safe' });
    expect(await h.deps.jobs.runDue()).toBe(1);
    expect(h.userInfo.calls).toEqual([`${OA}:o-person-1`]);
    const identity = await h.deps.store.identity.findAppIdentity(OA, 'o-person-1');
    expect(identity).toMatchObject({ unionid: 'u-person-1', subscribed: true });

    h.clock.advance(10);
    await h.push(eventXml('unsubscribe', { createTime: now() }), { mode: 'safe' });
    await h.deps.jobs.runDue();
    expect(await h.deps.store.identity.findAppIdentity(OA, 'o-person-1')).toMatchObject({ unionid: 'u-person-1', subscribed: false, userId: identity!.userId });
    expect(await h.deps.store.identity.counts()).toMatchObject({ users: 1, appIdentities: 1, unionIdentities: 1 });
  });

  it('a message from a linked person asks WeChat nothing; one whose unionid is unknown asks again', async () => {
    await h.push(textXml('a', { createTime: now(), msgId: '1' }));
    await h.deps.jobs.runDue();
    expect(await h.deps.store.identity.findAppIdentity(OA, 'o-person-1')).toMatchObject({ unionid: null });
    h.userInfo.unionids.set('o-person-1', 'u-late');
    await h.push(textXml('b', { createTime: now(), msgId: '2' }));
    await h.deps.jobs.runDue();
    expect(await h.deps.store.identity.findAppIdentity(OA, 'o-person-1')).toMatchObject({ unionid: 'u-late' });
    await h.push(textXml('c', { createTime: now(), msgId: '3' }));
    await h.deps.jobs.runDue();
    expect(h.userInfo.calls).toHaveLength(2);
  });

  it('retries a lookup WeChat failed (-1, then 45009) and completes it', async () => {
    h.userInfo.unionids.set('o-person-1', 'u-person-1');
    h.userInfo.failures.push(new AppError('ERR_WECHAT_BUSY'), new AppError('ERR_WECHAT_QUOTA'));
    await h.push(eventXml('subscribe', { createTime: now() }));
    await h.deps.jobs.runDue();
    expect(await h.deps.store.jobs.jobCounts()).toMatchObject({ pending: 1, done: 0 });
    for (let i = 0; i < 2; i++) {
      h.clock.advance(600);
      await h.deps.jobs.runDue();
    }
    expect(await h.deps.store.jobs.jobCounts()).toMatchObject({ pending: 0, done: 1, failed: 0 });
    expect(h.userInfo.calls).toHaveLength(3);
    expect(await h.deps.store.identity.findAppIdentity(OA, 'o-person-1')).toMatchObject({ unionid: 'u-person-1' });
  });

  it('links an earlier mini program user when the account learns the unionid (one user)', async () => {
    const { resolveLogin } = await import('../../../src/identity/index.js');
    const mp = await resolveLogin(
      { store: h.deps.store.identity, clock: h.clock },
      { unionKey: 'acme', appid: 'wxtest00000000mp01', openid: 'o-mp', unionid: 'u-shared' },
    );
    h.userInfo.unionids.set('o-person-1', 'u-shared');
    await h.push(eventXml('subscribe', { createTime: now() }));
    await h.deps.jobs.runDue();
    expect((await h.deps.store.identity.findAppIdentity(OA, 'o-person-1'))?.userId).toBe(mp.userId);
  });

  it('an unbound account records the person without a unionid', async () => {
    await h.push(eventXml('subscribe', { createTime: now() }), { appid: OA_PLAIN });
    await h.deps.jobs.runDue();
    expect(await h.deps.store.identity.findAppIdentity(OA_PLAIN, 'o-person-1')).toMatchObject({ unionid: null, subscribed: true });
  });
});
