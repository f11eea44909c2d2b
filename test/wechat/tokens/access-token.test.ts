import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { AppError } from '../../../src/errors.js';
import { checkSessionKey } from '../../../src/wechat/api/mini-program.js';
import { createAccessTokenManager, type AccessTokenManagerOptions } from '../../../src/wechat/tokens/access-token.js';
import { MemoryTokenCache } from '../../../src/wechat/tokens/memory-token-cache.js';
import type { TokenSource } from '../../../src/wechat/tokens/token-source.js';
import { createUrlTokenSource } from '../../../src/wechat/tokens/url-token-source.js';
import { type FakeUpstream, sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';

const t0 = Date.UTC(2025, 0, 1);
const SECRETS: Record<string, string> = { wxa: 'secret-a', wxb: 'secret-b' };
const apps = (appid: string) => (SECRETS[appid] ? { appid, secret: SECRETS[appid] } : undefined);

const up = useFakeUpstream();
const http = noSleepHttp(up);
let clock: ManualClock;
/** The fake's token state: every issued token, the ones still valid, the expires_in to hand out. */
let issued: string[];
let valid: Set<string>;
let expiresIn: number;
let tokenFailure: { errcode: number; errmsg: string } | undefined;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  clock = new ManualClock({ now: () => t0 });
  issued = [];
  valid = new Set();
  expiresIn = 7200;
  tokenFailure = undefined;
  const issue = async (appid: string, secret: string, reply: Parameters<Parameters<FakeUpstream['on']>[2]>[1]) => {
    await delay(20); // keep the call in flight long enough for concurrent callers to pile up
    if (tokenFailure) return sendJson(reply, tokenFailure);
    if (SECRETS[appid] !== secret) return sendJson(reply, { errcode: 40125, errmsg: 'invalid appsecret' });
    const token = `${appid}-T${issued.length + 1}`;
    issued.push(token);
    valid.add(token);
    return sendJson(reply, { access_token: token, expires_in: expiresIn });
  };
  up().on('POST', '/cgi-bin/stable_token', (q, r) => {
    const b = q.body as { appid: string; secret: string };
    return issue(b.appid, b.secret, r);
  });
  up().on('GET', '/cgi-bin/token', (q, r) => {
    const p = q.query as { appid: string; secret: string };
    return issue(p.appid, p.secret, r);
  });
  up().on('GET', '/wxa/checksession', (q, r) => {
    const token = (q.query as { access_token: string }).access_token;
    return sendJson(r, valid.has(token) ? { errcode: 0, errmsg: 'ok' } : { errcode: 40001, errmsg: 'invalid credential' });
  });
});

const tokenCalls = () => up().callsTo('/cgi-bin/stable_token').length + up().callsTo('/cgi-bin/token').length;
const manager = (o: Partial<AccessTokenManagerOptions> = {}) => createAccessTokenManager({ http: http(), clock, apps, ...o });

describe('createAccessTokenManager().get()', () => {
  it('fetches a stable token once and serves it from the cache afterwards', async () => {
    const m = manager();
    expect(await m.get('wxa')).toBe('wxa-T1');
    clock.advance(3600);
    expect(await m.get('wxa')).toBe('wxa-T1');
    expect(tokenCalls()).toBe(1);
    expect(up().calls[0]!.body).toEqual({ grant_type: 'client_credential', appid: 'wxa', secret: 'secret-a', force_refresh: false });
  });

  it("uses GET /cgi-bin/token in 'token' mode", async () => {
    const m = manager({ mode: 'token' });
    expect(await m.get('wxa')).toBe('wxa-T1');
    expect(up().callsTo('/cgi-bin/token')).toHaveLength(1);
    expect(up().callsTo('/cgi-bin/stable_token')).toHaveLength(0);
  });

  it('refreshes refreshAheadSeconds before expiry', async () => {
    const m = manager({ refreshAheadSeconds: 300 });
    await m.get('wxa');
    clock.advance(7200 - 300 - 1);
    expect(await m.get('wxa')).toBe('wxa-T1');
    clock.advance(1);
    expect(await m.get('wxa')).toBe('wxa-T2');
    expect(tokenCalls()).toBe(2);
  });

  it('refetches after expiry', async () => {
    const m = manager();
    await m.get('wxa');
    clock.advance(7201);
    expect(await m.get('wxa')).toBe('wxa-T2');
  });

  it('refreshes a short-lived token at half its life instead of on every call', async () => {
    expiresIn = 300; // a stable token fetched in its last five minutes
    const m = manager({ refreshAheadSeconds: 300 });
    await m.get('wxa');
    await m.get('wxa');
    clock.advance(149);
    expect(await m.get('wxa')).toBe('wxa-T1');
    expect(tokenCalls()).toBe(1);
    clock.advance(1);
    expect(await m.get('wxa')).toBe('wxa-T2');
  });

  it('makes one upstream call for 10 concurrent gets of one appid, and one per appid', async () => {
    const m = manager();
    const tokens = await Promise.all([...Array.from({ length: 10 }, () => m.get('wxa')), m.get('wxb'), m.get('wxb')]);
    expect(new Set(tokens.slice(0, 10))).toEqual(new Set(['wxa-T1']));
    expect(tokens.slice(10)).toEqual(['wxb-T2', 'wxb-T2']);
    expect(tokenCalls()).toBe(2);
  });

  it('keeps serving the cached token when a refresh-ahead fails but the token has not expired', async () => {
    const m = manager();
    await m.get('wxa');
    clock.advance(7000);
    tokenFailure = { errcode: -1, errmsg: 'system error' };
    expect(await m.get('wxa')).toBe('wxa-T1');
    clock.advance(300);
    await expect(m.get('wxa')).rejects.toMatchObject({ code: 'ERR_WECHAT_BUSY' });
  });

  it('rejects with ERR_APP_UNKNOWN for an appid it has no credentials for', async () => {
    await expect(manager().get('wxnope')).rejects.toMatchObject({ code: 'ERR_APP_UNKNOWN' });
    expect(tokenCalls()).toBe(0);
  });

  it('rejects with ERR_WECHAT_CREDENTIALS and no secret in the error when WeChat refuses the secret', async () => {
    const m = manager({ apps: (appid) => ({ appid, secret: 'wrong-secret-value' }) });
    try {
      await m.get('wxa');
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('ERR_WECHAT_CREDENTIALS');
      expect(`${(e as Error).message} ${JSON.stringify(e)} ${(e as Error).stack}`).not.toContain('wrong-secret-value');
    }
  });

  it('shares tokens between managers through one cache', async () => {
    const cache = new MemoryTokenCache({ clock });
    expect(await manager({ cache }).get('wxa')).toBe('wxa-T1');
    expect(await manager({ cache }).get('wxa')).toBe('wxa-T1');
    expect(tokenCalls()).toBe(1);
  });
});

describe('createAccessTokenManager().invalidate()', () => {
  it('drops the cached token only if it is still the one that failed', async () => {
    const m = manager();
    const first = await m.get('wxa');
    expect(await m.invalidate('wxa', first)).toBe(true);
    const second = await m.get('wxa');
    expect(second).toBe('wxa-T2');
    // A late report about the old token must not throw away the new one.
    expect(await m.invalidate('wxa', first)).toBe(false);
    expect(await m.get('wxa')).toBe('wxa-T2');
    expect(tokenCalls()).toBe(2);
  });
});

describe('createAccessTokenManager().withToken()', () => {
  const check = (token: string) => checkSessionKey(http(), { accessToken: token, openid: 'o', sessionKey: 'k' });

  it('runs fn with the cached token', async () => {
    const m = manager();
    const seen: string[] = [];
    await expect(m.withToken('wxa', async (t) => (seen.push(t), check(t)))).resolves.toBe(true);
    expect(seen).toEqual(['wxa-T1']);
  });

  for (const errcode of [40001, 40014, 42001]) {
    it(`invalidates, refetches and retries once when fn fails with ${errcode}`, async () => {
      const m = manager();
      await m.get('wxa');
      const seen: string[] = [];
      let first = true;
      const result = await m.withToken('wxa', async (t) => {
        seen.push(t);
        if (first) {
          first = false;
          // The token was killed at WeChat (e.g. a force refresh elsewhere) and answers `errcode`.
          valid.delete(t);
          up().on('GET', '/wxa/checksession', (q, r) => {
            const tok = (q.query as { access_token: string }).access_token;
            return sendJson(r, valid.has(tok) ? { errcode: 0, errmsg: 'ok' } : { errcode, errmsg: 'bad token' });
          });
        }
        return check(t);
      });
      expect(result).toBe(true);
      expect(seen).toEqual(['wxa-T1', 'wxa-T2']);
      expect(tokenCalls()).toBe(2);
    });
  }

  it('gives up after one retry', async () => {
    const m = manager();
    let calls = 0;
    up().on('GET', '/wxa/checksession', (_q, r) => sendJson(r, { errcode: 40001, errmsg: 'invalid credential' }));
    await expect(m.withToken('wxa', (t) => (calls++, check(t)))).rejects.toMatchObject({ code: 'ERR_WECHAT_API', wechat: { errcode: 40001 } });
    expect(calls).toBe(2);
    expect(tokenCalls()).toBe(2);
  });

  it('does not retry other errors', async () => {
    const m = manager();
    let calls = 0;
    up().on('GET', '/wxa/checksession', (_q, r) => sendJson(r, { errcode: 87009, errmsg: 'invalid signature' }));
    await expect(m.withToken('wxa', (t) => (calls++, check(t)))).rejects.toMatchObject({ wechat: { errcode: 87009 } });
    await expect(
      m.withToken('wxa', async () => {
        calls++;
        throw new AppError('ERR_WECHAT_API');
      }),
    ).rejects.toMatchObject({ code: 'ERR_WECHAT_API' });
    expect(calls).toBe(2);
    expect(tokenCalls()).toBe(1);
  });

  it('refetches once when concurrent callers all fail on the same killed token', async () => {
    const m = manager();
    const stale = await m.get('wxa');
    valid.delete(stale);
    const seen: string[] = [];
    const results = await Promise.all(Array.from({ length: 5 }, () => m.withToken('wxa', (t) => (seen.push(t), check(t)))));
    expect(results).toEqual([true, true, true, true, true]);
    expect(seen.filter((t) => t === stale)).toHaveLength(5);
    expect(seen.filter((t) => t === 'wxa-T2')).toHaveLength(5);
    expect(tokenCalls()).toBe(2);
    expect(await m.get('wxa')).toBe('wxa-T2');
  });
});

describe('createAccessTokenManager() with a tokenSource', () => {
  /** An outside token server on the fake upstream: hands out OUT-n tokens it also counts as valid. */
  function serveOutside(life = 3600): void {
    up().on('GET', '/outside/token', async (_q, r) => {
      await delay(20);
      const token = `OUT-${issued.length + 1}`;
      issued.push(token);
      valid.add(token);
      return sendJson(r, { access_token: token, expires_in: life });
    });
  }

  it('takes the token of a sourced app from the outside URL (not WeChat), caches it and refreshes it ahead of expiry', async () => {
    serveOutside();
    const source = createUrlTokenSource({ url: `${up().baseUrl}/outside/token?app=wxa` });
    const m = manager({ tokenSource: (appid) => (appid === 'wxa' ? source : undefined) });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => m.get('wxa')));
    expect(new Set(tokens)).toEqual(new Set(['OUT-1']));
    expect(up().callsTo('/outside/token')).toHaveLength(1);
    expect(up().callsTo('/outside/token')[0]!.query).toEqual({ app: 'wxa' });
    clock.advance(3600 - 300 - 1);
    expect(await m.get('wxa')).toBe('OUT-1');
    clock.advance(1);
    expect(await m.get('wxa')).toBe('OUT-2');
    // Other apps still go to WeChat.
    expect(await m.get('wxb')).toBe('wxb-T3');
    expect(tokenCalls()).toBe(1);
  });

  it('drops a sourced token WeChat rejects (40001) and asks the source again once', async () => {
    serveOutside();
    const source = createUrlTokenSource({ url: `${up().baseUrl}/outside/token` });
    const m = manager({ tokenSource: () => source });
    const first = await m.get('wxa');
    valid.delete(first);
    const seen: string[] = [];
    const check = (token: string) => checkSessionKey(http(), { accessToken: token, openid: 'o', sessionKey: 'k' });
    await expect(m.withToken('wxa', (t) => (seen.push(t), check(t)))).resolves.toBe(true);
    expect(seen).toEqual(['OUT-1', 'OUT-2']);
    expect(up().callsTo('/outside/token')).toHaveLength(2);
  });

  it('keeps tokens of a source apart from WeChat’s in a shared cache, and accepts a function source', async () => {
    const cache = new MemoryTokenCache({ clock });
    let n = 0;
    const fnSource: TokenSource = { id: 'vault', fetch: async (appid) => ({ accessToken: `${appid}-V${++n}`, expiresIn: 7200 }) };
    expect(await manager({ cache }).get('wxa')).toBe('wxa-T1');
    expect(await manager({ cache, tokenSource: () => fnSource }).get('wxa')).toBe('wxa-V1');
    expect(await manager({ cache }).get('wxa')).toBe('wxa-T1');
    expect(await manager({ cache, tokenSource: () => fnSource }).get('wxa')).toBe('wxa-V1');
  });

  it('rejects a source answer that is not a token, and a tokenSource that returns something else', async () => {
    const bad: TokenSource = { id: 'bad', fetch: async () => ({ accessToken: '', expiresIn: 7200 }) };
    await expect(manager({ tokenSource: () => bad }).get('wxa')).rejects.toThrow(TypeError);
    await expect(manager({ tokenSource: () => ({ id: '' }) as never }).get('wxa')).rejects.toThrow(TypeError);
    expect(() => manager({ tokenSource: 5 as never })).toThrow(TypeError);
  });
});

describe('quota and whitelist failures', () => {
  it('say what to do: 45009 → reset the quota, 40164/61004 → whitelist this server’s IP', async () => {
    const m = manager();
    tokenFailure = { errcode: 45009, errmsg: 'reach max api daily quota limit rid: 1' };
    const quota = await m.get('wxa').catch((e: AppError) => e);
    expect(quota).toMatchObject({ code: 'ERR_WECHAT_QUOTA', wechat: { errcode: 45009 } });
    expect((quota as AppError).message).toMatch(/reset it in the WeChat console/i);
    for (const errcode of [40164, 61004]) {
      tokenFailure = { errcode, errmsg: 'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 1' };
      const ip = await m.get('wxa').catch((e: AppError) => e);
      expect(ip).toMatchObject({ code: 'ERR_WECHAT_CREDENTIALS', wechat: { errcode } });
      expect((ip as AppError).message).toMatch(/add this server.s outbound IP .*IP whitelist/);
      expect(JSON.stringify((ip as AppError).toBody())).not.toContain('secret-a');
    }
  });
});

describe('createAccessTokenManager()', () => {
  it('throws TypeError for invalid options', () => {
    expect(() => createAccessTokenManager({ http: http(), clock, apps: 1 as never })).toThrow(TypeError);
    expect(() => createAccessTokenManager({ http: http(), clock: undefined as never, apps })).toThrow(TypeError);
    expect(() => createAccessTokenManager({ http: http(), clock, apps, mode: 'other' as never })).toThrow(TypeError);
    expect(() => createAccessTokenManager({ http: http(), clock, apps, refreshAheadSeconds: -1 })).toThrow(TypeError);
    expect(() => createAccessTokenManager({ http: http(), clock, apps, lock: {} as never })).toThrow(TypeError);
  });
});
