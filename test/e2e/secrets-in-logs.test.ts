/**
 * The whole mini program flow, failures included, with the server logging at trace level into memory: no app
 * secret, session_key, access_token, session token, at-rest key or signing key may appear in any log line or any
 * response body.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACT_PATHS } from '../../src/compose/redact-paths.js';
import { createUndiciTransport, type HttpTransport } from '../../src/wechat/api/http-transport.js';
import { login, wxUserData } from '../helpers/login-flows.js';
import { startStack, type Stack } from '../helpers/stack.js';

const lines: string[] = [];
const responses: string[] = [];
const accessTokens = new Set<string>();
let stack: Stack;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'trace', redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }, sink);
  const inner = createUndiciTransport();
  // Spy on the access_tokens the server sends upstream, so the scan knows what to look for.
  const spy: HttpTransport = async (url, init) => {
    const t = url.searchParams.get('access_token');
    if (t) accessTokens.add(t);
    const res = await inner(url, init);
    const text = await res.text();
    const m = /"access_token":"([^"]+)"/.exec(text);
    if (m) accessTokens.add(m[1]!);
    return { status: res.status, text: async () => text };
  };
  stack = await startStack({ unionidRule: 'legacy', logger: logger as never, fetch: spy });
});
afterAll(async () => stack.close());

async function record<T extends { status: number; body: unknown }>(p: Promise<T>): Promise<T> {
  const r = await p;
  responses.push(JSON.stringify(r.body));
  return r;
}

describe('secrets stay out of logs and responses', () => {
  it('after logins, links, merges and failures, no secret appears anywhere', async () => {
    const persons = [await stack.createPerson(), await stack.createPerson({ declinesUserInfo: true })];
    for (const p of persons) {
      const r = await record(login(stack, stack.apps.mp1, p));
      if (p === persons[0]) {
        const data = await wxUserData(stack, stack.apps.mp1, p);
        await record(stack.api(`/v1/mp/${stack.apps.mp1}/unionid`, data, { token: r.body.token }));
        // Stale key on a still openid-only identity (mp2): forces a checksession call (with an access_token).
        const r2 = await record(login(stack, stack.apps.mp2, p));
        await stack.control(`/__emulator/persons/${p}/rotate-session-key`, { appid: stack.apps.mp2 });
        const stale = await record(stack.api(`/v1/mp/${stack.apps.mp2}/unionid`, await wxUserData(stack, stack.apps.mp2, p), { token: r2.body.token }));
        expect(stale.body.error.code).toBe('ERR_SESSION_KEY_STALE');
        await record(stack.api('/v1/me', undefined, { token: r.body.token }));
        await record(stack.api(`/v1/mp/${stack.apps.mp1}/unionid`, data, { token: `${r.body.token}x` }));
      }
    }
    await stack.control(`/__emulator/persons/${persons[1]}/follow`, { appid: stack.apps.oa });
    await record(login(stack, stack.apps.mp2, persons[1]!));
    await record(login(stack, stack.apps.mp1, persons[1]!)); // merge
    await record(stack.api(`/v1/mp/${stack.apps.mp1}/login`, { code: 'bogus' })); // 40029
    // A scan-to-follow login id is a bearer credential (it yields a login code): it must not be logged either.
    const qr = await record(stack.api(`/v1/oa/${stack.apps.oa}/qr-login`, {}));
    await record(stack.api(`/v1/qr-login/${qr.body.id}`));
    await stack.control('/__emulator/faults', { path: '/sns/jscode2session', errcode: 40125, count: 1 });
    await record(login(stack, stack.apps.mp2, persons[0]!)); // credentials error

    const keys = JSON.parse(readFileSync(path.join(stack.dataDir, 'keys.json'), 'utf8')) as { atRestKey: string; signingJwk: { d: string } };
    const secrets = new Map<string, string>();
    for (const a of stack.config.apps) secrets.set(`app secret of ${a.appid}`, a.secret);
    for (const p of persons)
      for (const a of [stack.apps.mp1, stack.apps.mp2]) {
        const k = stack.emulator.state.sessionKey(p, a);
        if (k) secrets.set(`session_key ${p}/${a}`, k);
      }
    for (const t of accessTokens) secrets.set('an access_token', t);
    secrets.set('at-rest key', keys.atRestKey);
    secrets.set('signing key', keys.signingJwk.d);
    for (const body of responses) {
      const m = /"token":"([^"]+)"/.exec(body);
      if (m) secrets.set('a session token', m[1]!);
    }

    expect(accessTokens.size).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(10);
    secrets.set('a scan-to-follow login id', qr.body.id);
    const logText = lines.join('\n');
    for (const [what, value] of secrets) {
      expect(logText.includes(value), `${what} appears in a log line`).toBe(false);
      if (what !== 'a session token' && what !== 'a scan-to-follow login id')
        expect(responses.join('\n').includes(value), `${what} appears in a response`).toBe(false);
    }
  });
});
