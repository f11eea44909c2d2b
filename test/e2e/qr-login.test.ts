/**
 * Scan-to-follow website login end to end: weunion creates the QR code (cgi-bin/qrcode/create on the emulator), the
 * page polls its state, a person scans it in the emulated WeChat (subscribe with qrscene_… or SCAN), the callback
 * marks it scanned, the job resolves the person and issues a one-time login code, the page exchanges it for a session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, personView } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
afterEach(async () => stack?.close());

interface Created {
  id: string;
  qrUrl: string;
  ticket: string;
  expiresAt: number;
  expiresIn: number;
}

async function createQr(): Promise<Created> {
  const res = await stack.api<Created>(`/v1/oa/${stack.apps.oa}/qr-login`, {});
  expect(res.status).toBe(200);
  return res.body;
}

const state = (id: string, query = '') => stack.api(`/v1/qr-login/${id}${query}`);

/** The person scans the code in WeChat; resolves once the push was answered. */
async function scan(person: string, ticket: string): Promise<{ event: string }> {
  const r = await stack.control<{ pushId: string; event: string }>(`/__emulator/persons/${person}/scan`, { appid: stack.apps.oa, ticket });
  const push = await stack.control<{ attempts: Array<{ status: number; body: string }> }>(`/__emulator/pushes/${r.pushId}?wait=1`, undefined, 'GET');
  expect(push.attempts.at(-1)).toMatchObject({ status: 200, body: 'success' });
  return r;
}

describe('scan-to-follow website login', () => {
  it('a new follower: QR → pending → scanned → done → session for the same user as the mini program', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const person = await stack.createPerson();
    const created = await createQr();
    expect(created.qrUrl).toBe(`${stack.emulatorUrl}/cgi-bin/showqrcode?ticket=${encodeURIComponent(created.ticket)}`);
    expect(created.expiresIn).toBe(stack.config.flows.qrLoginTtlSeconds);
    expect((await state(created.id)).body).toMatchObject({ status: 'pending' });

    expect((await scan(person, created.ticket)).event).toBe('subscribe');
    expect((await state(created.id)).body).toMatchObject({ status: 'scanned' });
    await stack.runJobs();
    const done = await state(created.id);
    expect(done.body).toMatchObject({ status: 'done', loginCode: expect.any(String) });

    const session = await stack.api('/v1/session/exchange', { code: done.body.loginCode });
    expect(session.status).toBe(200);
    const view = await personView(stack, person);
    expect(session.body).toMatchObject({ openid: view.openids[stack.apps.oa], unionid: Object.values(view.unionids)[0], token: expect.any(String) });

    // The person follows now, so the legacy rule discloses the unionid to the mini program: same user.
    const mp = await login(stack, stack.apps.mp1, person);
    expect(mp.body.userId).toBe(session.body.userId);

    // Reused: the state was handed out once; the code works once.
    expect(await state(created.id)).toMatchObject({ status: 410, body: { error: { code: 'ERR_QR_LOGIN_USED' } } });
    expect((await stack.api('/v1/session/exchange', { code: done.body.loginCode })).body.error.code).toBe('ERR_LOGIN_CODE_INVALID');
    // Scanning the used code again logs nobody in.
    expect((await scan(person, created.ticket)).event).toBe('SCAN');
    await stack.runJobs();
    expect(await state(created.id)).toMatchObject({ status: 410, body: { error: { code: 'ERR_QR_LOGIN_USED' } } });
  });

  it('a follower scans (SCAN) and the page learns it by long poll', async () => {
    stack = await startStack({ messageMode: 'compatible' });
    const person = await stack.createPerson();
    await stack.control(`/__emulator/persons/${person}/follow`, { appid: stack.apps.oa });
    await stack.settle();
    const { id, ticket } = await createQr();
    const waiting = state(id, '?wait=10');
    await new Promise((r) => setTimeout(r, 200));
    expect((await scan(person, ticket)).event).toBe('SCAN');
    expect((await waiting).body.status).toBe('scanned');
    const finished = state(id, '?wait=10&since=scanned');
    await new Promise((r) => setTimeout(r, 200));
    await stack.runJobs();
    const done = await finished;
    expect(done.body).toMatchObject({ status: 'done', loginCode: expect.any(String) });
    const session = await stack.api('/v1/session/exchange', { code: done.body.loginCode });
    const followed = await stack.deps.store.identity.findAppIdentity(stack.apps.oa, (await personView(stack, person)).openids[stack.apps.oa]!);
    expect(session.body.userId).toBe(followed!.userId);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ liveUsers: 1 });
  });

  it('server-sent events carry the whole login', async () => {
    stack = await startStack();
    const person = await stack.createPerson();
    const { id, ticket } = await createQr();
    const res = await stack.browser.fetch(`${stack.serverUrl}/v1/qr-login/${id}`, { headers: { accept: 'text/event-stream' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = res.text();
    await new Promise((r) => setTimeout(r, 100));
    await scan(person, ticket);
    await new Promise((r) => setTimeout(r, 400));
    await stack.runJobs();
    const events = [...(await text).matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => [m[1], JSON.parse(m[2]!).status]);
    expect(events).toEqual([
      ['status', 'pending'],
      ['status', 'scanned'],
      ['status', 'done'],
    ]);
  });

  it('an expired QR code fails clearly, and WeChat refuses the scan', async () => {
    stack = await startStack();
    const person = await stack.createPerson();
    const { id, ticket } = await createQr();
    stack.clock.advance(stack.config.flows.qrLoginTtlSeconds + 1);
    expect(await state(id)).toMatchObject({ status: 410, body: { error: { code: 'ERR_QR_LOGIN_EXPIRED' } } });
    await expect(stack.control(`/__emulator/persons/${person}/scan`, { appid: stack.apps.oa, ticket })).rejects.toThrow(/expired/);
    expect(await stack.deps.store.identity.counts()).toMatchObject({ appIdentities: 0 });
  });

  it('unknown ids and non-official-account apps are refused', async () => {
    stack = await startStack();
    expect(await state('x'.repeat(22))).toMatchObject({ status: 404, body: { error: { code: 'ERR_QR_LOGIN_NOT_FOUND' } } });
    expect((await stack.api(`/v1/oa/${stack.apps.mp1}/qr-login`, {})).body.error.code).toBe('ERR_APP_KIND');
  });
});
