/**
 * The small, always-on version of `npm run test:leaks`: one stack recording into a temp folder (debug log, response
 * bodies, its secrets), driven through every road and a handful of upstream failures, then scanned. Also checks the
 * scanner itself: it knows each kind of secret, and a planted leak is found and located.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACT_PATHS } from '../../src/compose/redact-paths.js';
import type { PushRecord } from '../../src/emulator/push-record.js';
import { login, wxUserData } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';
import type { StackRecord } from './recorder.js';
import { scanLeaks } from './scan.js';

let dir: string;
let stack: Stack;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'weunion-leak-test-'));
  stack = await startStack({ unionidRule: 'legacy', leakScan: dir, configure: (c) => ({ ...c, wechat: { ...c.wechat, timeoutMs: 1000 } }) });
  const { mp1, mp2, oa, app } = stack.apps;
  const fault = (spec: Record<string, unknown>) => stack.control('/__emulator/faults', { count: 1, ...spec });

  // Mini program: openid-only login, the decrypt road, a stale key (checksession with an access_token), a merge.
  const p = await stack.createPerson();
  const first = await login(stack, mp1, p);
  await stack.api(`/v1/mp/${mp1}/unionid`, await wxUserData(stack, mp1, p), { token: first.body.token });
  const second = await login(stack, mp2, p);
  await stack.control(`/__emulator/persons/${p}/rotate-session-key`, { appid: mp2 });
  await stack.api(`/v1/mp/${mp2}/unionid`, await wxUserData(stack, mp2, p), { token: second.body.token });
  await stack.api('/v1/me', undefined, { token: first.body.token });
  await stack.api(`/v1/mp/${mp1}/unionid`, {}, { token: `${first.body.token}x` });
  // Phone, paid unionid, app login, QR login, an official-account follow and its job.
  const { code: phoneCode } = await stack.control<{ code: string }>('/__emulator/wx.getPhoneNumber', { appid: mp1, person: p });
  await stack.api(`/v1/mp/${mp1}/phone`, { code: phoneCode }, { token: first.body.token });
  const q = await stack.createPerson();
  const qLogin = await login(stack, mp1, q);
  const { transactionId } = await stack.control<{ transactionId: string }>('/__emulator/pay', { appid: mp1, person: q });
  await stack.api(`/v1/mp/${mp1}/paid-unionid`, { transactionId }, { token: qLogin.body.token });
  const { code: appCode } = await stack.control<{ code: string }>('/__emulator/app.login', { appid: app, person: q });
  await stack.api(`/v1/app/${app}/login`, { code: appCode });
  await stack.api(`/v1/oa/${oa}/qr-login`, {});
  const { pushId } = await stack.control<{ pushId: string }>(`/__emulator/persons/${q}/follow`, { appid: oa });
  await stack.control<PushRecord>(`/__emulator/pushes/${pushId}?wait=1`, undefined, 'GET');
  await stack.runJobs();

  // Upstream failures: each error answer and each log line about it is scanned.
  await fault({ path: '/sns/jscode2session', errcode: 40125 });
  await login(stack, mp1, p);
  await fault({ path: '/sns/jscode2session', body: '{"session_key":"x", tru' });
  await login(stack, mp1, p);
  await fault({ path: '/wxa/business/getuserphonenumber', errcode: 40001, count: 2 });
  const { code: phone2 } = await stack.control<{ code: string }>('/__emulator/wx.getPhoneNumber', { appid: mp1, person: p });
  await stack.api(`/v1/mp/${mp1}/phone`, { code: phone2 }, { token: first.body.token });
  await fault({ path: '/sns/oauth2/access_token', drop: true });
  const { code: appCode2 } = await stack.control<{ code: string }>('/__emulator/app.login', { appid: app, person: q });
  await stack.api(`/v1/app/${app}/login`, { code: appCode2 });
  await stack.api(`/v1/mp/${mp1}/login`, { code: 'bogus' });
  await stack.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(): StackRecord {
  const file = readdirSync(dir).find((f) => f.endsWith('.secrets.json'))!;
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as StackRecord;
}

describe('secret-leak scan (always-on sample)', () => {
  it('records a debug log, the responses and every kind of secret of the stack', () => {
    const r = record();
    const kinds = new Set(r.secrets.map((s) => s.what.replace(/ of .*| \(d\)$/, '')));
    for (const k of [
      'app secret',
      'callback Token',
      'EncodingAESKey',
      'the at-rest key',
      'the signing key',
      'session_key',
      'a session_key',
      'an upstream access_token',
      'an upstream refresh_token',
      'a session token',
    ]) {
      expect(kinds, k).toContain(k);
    }
    expect(readFileSync(path.join(dir, r.log), 'utf8').split('\n').length).toBeGreaterThan(20);
    expect(r.test).toBe('test/leaks/leak-scan.test.ts');
  });

  it('finds no secret in any log line or error response', () => {
    const report = scanLeaks(dir);
    expect(report.stacks).toBe(1);
    expect(report.responses).toBeGreaterThan(15);
    expect(report.unclosed).toEqual([]);
    expect(report.hits).toEqual([]);
  });

  it('finds and locates a planted leak (raw in a log line, URL-encoded in an error response), never printing it', () => {
    const r = record();
    const secret = r.secrets.find((s) => s.what.startsWith('an upstream access_token'))!;
    const token = r.secrets.find((s) => s.what === 'a session token')!;
    const lines = readFileSync(path.join(dir, r.log), 'utf8').split('\n').length;
    appendFileSync(path.join(dir, r.log), `${JSON.stringify({ level: 20, msg: `calling ?access_token=${secret.value}` })}\n`);
    appendFileSync(
      path.join(dir, r.responses),
      `${JSON.stringify({ method: 'GET', path: '/x', status: 500, body: JSON.stringify({ error: { code: 'ERR_INTERNAL', message: encodeURIComponent(token.value) } }) })}\n`,
    );
    const { hits } = scanLeaks(dir);
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ where: `${r.log}:${lines}`, what: 'an upstream access_token in a log line', test: 'test/leaks/leak-scan.test.ts' });
    expect(hits[1]).toMatchObject({ what: 'a session token in an error response', request: 'GET /x → 500' });
    expect(JSON.stringify(hits)).not.toContain(secret.value);
  });
});

describe('REDACT_PATHS', () => {
  it('censors every known secret field one level deep, and the credential headers', () => {
    const out: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (out.push(String(chunk)), done()) });
    const logger = pino({ level: 'debug', redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }, sink);
    const fields = [
      'secret',
      'sessionKey',
      'session_key',
      'sessionKeyEnc',
      'access_token',
      'accessToken',
      'refresh_token',
      'refreshToken',
      'token',
      'encodingAesKey',
      'previousEncodingAesKey',
      'atRestKey',
      'signingJwk',
      'loginCode',
    ];
    logger.debug({ app: Object.fromEntries(fields.map((f, i) => [f, `LEAK${i}LEAK`])) }, 'fields');
    logger.debug({ req: { headers: { authorization: 'Bearer LEAKA', cookie: 'b=LEAKC' } }, res: { headers: { 'set-cookie': 'b=LEAKS' } } }, 'headers');
    expect(out.join('')).not.toMatch(/LEAK/);
    expect(out.join('').match(/\[redacted\]/g)).toHaveLength(fields.length + 3);
  });
});
