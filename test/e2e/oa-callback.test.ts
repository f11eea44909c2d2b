/**
 * The official-account callback end to end: the emulator's push simulator (WeChat's side) signs, encrypts and
 * pushes follow/unfollow/message events to weunion's callback over real HTTP; the durable jobs look the person up
 * (cgi-bin/user/info on the emulator) and link the unionid. Refused requests leave every row count unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushRecord } from '../../src/emulator/push-record.js';
import { createMessageCrypt } from '../../src/wechat/crypto/msg-crypt.js';
import { login, personView, snapshot } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
afterEach(async () => stack?.close());

const TOKEN = 'sandboxtoken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

async function pushRecord(id: string): Promise<PushRecord> {
  return stack.control<PushRecord>(`/__emulator/pushes/${id}?wait=1`, undefined, 'GET');
}

async function act(person: string, action: 'follow' | 'unfollow' | 'message', extra: Record<string, unknown> = {}): Promise<PushRecord> {
  const { pushId } = await stack.control<{ pushId: string }>(`/__emulator/persons/${person}/${action}`, { appid: stack.apps.oa, ...extra });
  expect(pushId).toEqual(expect.any(String));
  return pushRecord(pushId);
}

/** Everything a refused request must leave untouched: identities, events and jobs. */
const rows = () => snapshot(stack);

async function post(query: Record<string, string>, body: string): Promise<{ status: number; code?: string; text: string }> {
  const res = await fetch(`${stack.serverUrl}/v1/oa/${stack.apps.oa}/callback?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = JSON.parse(text).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, text, ...(code ? { code } : {}) };
}

describe('official-account pushes from the emulator', () => {
  it("weunion's callback passes WeChat's server-URL check (the echostr GET sent when the URL is set)", async () => {
    stack = await startStack();
    await stack.emulator.settlePushes();
    expect(stack.emulator.verification(stack.apps.oa)).toMatchObject({ ok: true, status: 200 });
  });

  it.each(['plain', 'compatible', 'safe'] as const)('%s mode: follow → success at once → user/info → one user with the unionid', async (mode) => {
    stack = await startStack({ messageMode: mode });
    const person = await stack.createPerson();
    const push = await act(person, 'follow');
    expect(push).toMatchObject({ mode, answered: true, done: true, reply: null });
    expect(push.attempts).toHaveLength(1);
    expect(push.attempts[0]).toMatchObject({ status: 200, body: 'success' });
    expect(push.attempts[0]!.sent.query.encrypt_type).toBe(mode === 'plain' ? undefined : 'aes');

    expect(await stack.runJobs()).toBe(1);
    const view = await personView(stack, person);
    const openid = view.openids[stack.apps.oa]!;
    const unionid = Object.values(view.unionids)[0];
    const identity = await stack.deps.store.identity.findAppIdentity(stack.apps.oa, openid);
    expect(identity).toMatchObject({ unionid, subscribed: true });

    // A text message from the same person: one more job, no new user.
    const msg = await act(person, 'message', { text: 'hello' });
    expect(msg.attempts[0]).toMatchObject({ status: 200, body: 'success' });
    await stack.runJobs();
    expect(await stack.deps.store.identity.counts()).toMatchObject({ liveUsers: 1, appIdentities: 1, unionIdentities: 1 });

    // Unfollow: recorded, nothing deleted.
    stack.clock.advance(5);
    await act(person, 'unfollow');
    await stack.runJobs();
    expect(await stack.deps.store.identity.findAppIdentity(stack.apps.oa, openid)).toMatchObject({ unionid, subscribed: false, userId: identity!.userId });
  });

  it('a passive reply of a hook reaches WeChat encrypted (safe mode) and the emulator opens it', async () => {
    stack = await startStack({ messageMode: 'safe' });
    stack.deps.hooks.on('event:subscribe', () => ({ type: 'text', content: 'Welcome to ACME' }));
    const person = await stack.createPerson();
    const push = await act(person, 'follow');
    expect(push.attempts[0]!.replyError).toBeUndefined();
    expect(push.reply).toContain('<Content><![CDATA[Welcome to ACME]]></Content>');
  });

  it('a retried push (the first try timed out) is processed once', async () => {
    stack = await startStack({ messageMode: 'safe', emulatorOptions: { pushTimeoutMs: 300 } });
    let calls = 0;
    stack.deps.hooks.on('text', async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 800)); // longer than WeChat waits
      return undefined;
    });
    const person = await stack.createPerson();
    await act(person, 'follow');
    const push = await act(person, 'message', { text: 'are you there?' });
    expect(push.attempts.length).toBeGreaterThanOrEqual(2);
    expect(push.attempts[0]!.error).toBe('timeout');
    expect(push.attempts.at(-1)).toMatchObject({ status: 200, body: 'success' });
    await new Promise((r) => setTimeout(r, 900)); // let the slow first try finish on the server
    expect(calls).toBe(1);
    expect(await stack.deps.store.jobs.jobCounts()).toMatchObject({ pending: 2 }); // subscribe + one message
    await stack.runJobs();
    expect(await stack.deps.store.identity.counts()).toMatchObject({ liveUsers: 1, appIdentities: 1 });
  });

  it('a lookup that fails upstream (-1 through the client retries, then 45009) is retried and completes', async () => {
    stack = await startStack();
    await stack.control('/__emulator/faults', { path: '/cgi-bin/user/info', errcode: -1, count: 3 });
    await stack.control('/__emulator/faults', { path: '/cgi-bin/user/info', errcode: 45009, count: 1 });
    const person = await stack.createPerson();
    await act(person, 'follow');
    expect(await stack.runJobs()).toBe(1);
    expect(await stack.deps.store.jobs.jobCounts()).toMatchObject({ pending: 1, done: 0 });
    expect(await stack.deps.store.identity.counts()).toMatchObject({ appIdentities: 0 });
    stack.clock.advance(3600);
    expect(await stack.runJobs()).toBe(1);
    expect(await stack.deps.store.jobs.jobCounts()).toMatchObject({ pending: 1, done: 0 });
    stack.clock.advance(3600);
    expect(await stack.runJobs()).toBe(1);
    expect(await stack.deps.store.jobs.jobCounts()).toMatchObject({ pending: 0, done: 1, failed: 0 });
    const view = await personView(stack, person);
    expect(await stack.deps.store.identity.findAppIdentity(stack.apps.oa, view.openids[stack.apps.oa]!)).toMatchObject({
      unionid: Object.values(view.unionids)[0],
    });
  });

  it('a mini program user without a unionid (legacy rule) is merged when the person follows the account', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const person = await stack.createPerson();
    const first = await login(stack, stack.apps.mp1, person);
    expect(first.body.unionid).toBeNull();
    await act(person, 'follow');
    await stack.runJobs();
    const again = await login(stack, stack.apps.mp1, person);
    expect(again.body.unionid).toEqual(expect.any(String));
    const me = await stack.api('/v1/me', undefined, { token: first.body.token });
    const view = await personView(stack, person);
    const oaUser = (await stack.deps.store.identity.findAppIdentity(stack.apps.oa, view.openids[stack.apps.oa]!))!.userId;
    expect(me.body.id ?? me.body.userId).toBe(again.body.userId);
    expect(again.body.userId).toBe(oaUser);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ liveUsers: 1 });
  });
});

describe('refused callback requests store nothing', () => {
  it('forged signature, wrong msg_signature, wrong trailing appid, replay, entity bomb, oversized body', async () => {
    stack = await startStack({ messageMode: 'safe' });
    const person = await stack.createPerson();
    const push = await act(person, 'follow');
    const { query, body } = push.attempts[0]!.sent;
    await stack.runJobs();
    const before = await rows();

    // The exact push again (a replay inside the window): a duplicate, answered success, nothing more.
    expect(await post(query, body)).toMatchObject({ status: 200, text: 'success' });

    const crypt = createMessageCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: stack.apps.oa });
    const xml = push.xml.replace(/<CreateTime>\d+<\/CreateTime>/, `<CreateTime>${Math.floor(stack.clock.now() / 1000) + 1}</CreateTime>`);
    const sign = (encryptFor: string = stack.apps.oa, plain: string = xml) => {
      const c = encryptFor === stack.apps.oa ? crypt : createMessageCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: encryptFor });
      const timestamp = String(Math.floor(stack.clock.now() / 1000));
      const encrypt = c.encrypt(plain);
      return {
        query: {
          signature: c.signature(timestamp, '42'),
          timestamp,
          nonce: '42',
          openid: query.openid!,
          encrypt_type: 'aes',
          msg_signature: c.signature(timestamp, '42', encrypt),
        },
        body: `<xml><ToUserName><![CDATA[gh_acme0000demo]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
      };
    };
    const good = sign();
    const cases: Array<[string, { query: Record<string, string>; body: string }, number, string]> = [
      ['forged signature', { query: { ...good.query, signature: 'a'.repeat(40) }, body: good.body }, 403, 'ERR_CALLBACK_SIGNATURE'],
      ['wrong msg_signature', { query: { ...good.query, msg_signature: query.msg_signature! }, body: good.body }, 403, 'ERR_CALLBACK_SIGNATURE'],
      ['wrong trailing appid', sign('wxsomeoneelse00001'), 400, 'ERR_CALLBACK_APPID'],
      [
        'entity bomb',
        sign(stack.apps.oa, `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>${xml}`),
        400,
        'ERR_CALLBACK_XML_DOCTYPE',
      ],
      // A safe-mode account refuses any unencrypted push before parsing it (the encrypted bomb below reaches the parser).
      [
        'plain entity bomb',
        { query: { signature: good.query.signature!, timestamp: good.query.timestamp!, nonce: '42' }, body: `<!DOCTYPE x [<!ENTITY a "b">]>${xml}` },
        403,
        'ERR_CALLBACK_MODE',
      ],
      ['oversized body', { query: good.query, body: `<xml>${'<Pad>0123456789</Pad>'.repeat(5000)}</xml>` }, 413, 'ERR_PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, req, status, code] of cases) {
      expect(await post(req.query, req.body), name).toMatchObject({ status, code });
    }
    // The recorded push, replayed after the timestamp window.
    stack.clock.advance(stack.config.callback.timestampWindowSeconds + 1);
    expect(await post(query, body)).toMatchObject({ status: 403, code: 'ERR_CALLBACK_TIMESTAMP' });
    expect(await rows()).toBe(before);
  });
});
