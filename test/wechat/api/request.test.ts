import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppError } from '../../../src/errors.js';
import { WeChatHttp, type WeChatHttpOptions } from '../../../src/wechat/api/request.js';
import { WeChatApiError, WeChatBodyError, WeChatStatusError, WeChatTimeoutError, WeChatTransportError } from '../../../src/wechat/api/wechat-errors.js';
import { dropConnection, sendJson, startFakeUpstream, useFakeUpstream } from '../../helpers/fake-upstream.js';
import { settlesWithin } from '../../helpers/hang-guard.js';
import { rejection } from '../../helpers/expect-error.js';

const schema = z.object({ value: z.string() });
const up = useFakeUpstream();
let sleeps: number[];

function client(opts: Partial<WeChatHttpOptions> = {}): WeChatHttp {
  return new WeChatHttp({
    baseUrl: up().baseUrl,
    sleep: async (ms) => void sleeps.push(ms),
    ...opts,
  });
}

const get = (http: WeChatHttp, extra: { retryTransport?: boolean } = {}) =>
  http.request({ method: 'GET', path: '/thing', query: { a: '1' }, schema, ...extra });

beforeEach(() => {
  sleeps = [];
});

describe('WeChatHttp.request()', () => {
  it('resolves the parsed body when errcode is absent', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { value: 'v', extra: 1 }));
    await expect(get(client())).resolves.toEqual({ value: 'v' });
    expect(up().calls[0]!.query).toEqual({ a: '1' });
  });

  it('resolves the parsed body when errcode is 0, under a JSON content type', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode: 0, errmsg: 'ok', value: 'v' }, 'application/json; encoding=utf-8'));
    await expect(get(client())).resolves.toEqual({ value: 'v' });
  });

  it('sends POST bodies as JSON and keeps a base URL path prefix', async () => {
    up().on('POST', '/prefix/thing', (_q, r) => sendJson(r, { value: 'posted' }));
    const http = client({ baseUrl: `${up().baseUrl}/prefix/` });
    await expect(http.request({ method: 'POST', path: '/thing', query: { q: 'x' }, body: { b: true, s: '中文' }, schema })).resolves.toEqual({
      value: 'posted',
    });
    expect(up().calls[0]).toMatchObject({ method: 'POST', path: '/prefix/thing', query: { q: 'x' }, body: { b: true, s: '中文' } });
  });

  const mapping: [number, string][] = [
    [40029, 'ERR_WECHAT_CODE_INVALID'],
    [42003, 'ERR_WECHAT_CODE_INVALID'],
    [40163, 'ERR_WECHAT_CODE_USED'],
    [40226, 'ERR_WECHAT_CODE_BLOCKED'],
    [45011, 'ERR_WECHAT_RATE_LIMITED'],
    [45009, 'ERR_WECHAT_QUOTA'],
    [40013, 'ERR_WECHAT_CREDENTIALS'],
    [40125, 'ERR_WECHAT_CREDENTIALS'],
    [40164, 'ERR_WECHAT_CREDENTIALS'],
    [61004, 'ERR_WECHAT_CREDENTIALS'],
    [40243, 'ERR_WECHAT_CREDENTIALS'],
    [41002, 'ERR_WECHAT_CREDENTIALS'],
    [41004, 'ERR_WECHAT_CREDENTIALS'],
    [40002, 'ERR_WECHAT_CREDENTIALS'],
    [40001, 'ERR_WECHAT_API'],
    [48001, 'ERR_WECHAT_API'],
    [87009, 'ERR_WECHAT_API'],
  ];
  for (const [errcode, code] of mapping) {
    it(`rejects with WeChatApiError ${code} when errcode is ${errcode}, without retrying`, async () => {
      up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode, errmsg: 'nope, rid: 1-2-3' }));
      const e = await rejection(get(client()));
      expect(e).toBeInstanceOf(WeChatApiError);
      expect(e.code).toBe(code);
      expect(e.wechat).toEqual({ errcode, errmsg: 'nope, rid: 1-2-3' });
      expect(up().calls).toHaveLength(1);
    });
  }

  it('rejects with ERR_WECHAT_BUSY after all attempts when errcode stays -1 / -1000', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode: up().calls.length % 2 ? -1 : -1000, errmsg: 'system error' }));
    const e = await rejection(get(client()));
    expect(e.code).toBe('ERR_WECHAT_BUSY');
    expect(up().calls).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  it('coerces errcode sent as a string ("40029")', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode: '40029', errmsg: 'invalid code' }));
    const e = await rejection(get(client()));
    expect(e.code).toBe('ERR_WECHAT_CODE_INVALID');
    expect(e.wechat?.errcode).toBe(40029);
  });

  it('treats errcode "0" as success', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode: '0', value: 'v' }));
    await expect(get(client())).resolves.toEqual({ value: 'v' });
  });

  it('rejects with ERR_WECHAT_BAD_RESPONSE when errcode is not an integer', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode: 'abc', value: 'v' }));
    expect((await rejection(get(client()))).code).toBe('ERR_WECHAT_BAD_RESPONSE');
  });

  it('retries errcode -1 with backoff and resolves when WeChat recovers', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, up().calls.length < 3 ? { errcode: -1, errmsg: 'system error' } : { value: 'ok' }));
    await expect(get(client())).resolves.toEqual({ value: 'ok' });
    expect(up().calls).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { errcode: -1, errmsg: 'system error' }));
    await rejection(get(client({ retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 500 } })));
    expect(sleeps).toEqual([200, 400, 500, 500]);
  });

  it('rejects with WeChatBodyError when the body is not JSON', async () => {
    up().on('GET', '/thing', (_q, r) => r.code(200).header('content-type', 'text/html').send('<html>busy</html>'));
    const e = await rejection(get(client()));
    expect(e).toBeInstanceOf(WeChatBodyError);
    expect(e.code).toBe('ERR_WECHAT_BAD_RESPONSE');
  });

  it('rejects with WeChatBodyError when the body is JSON but not an object, or is empty', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, ['value']));
    expect((await rejection(get(client()))).code).toBe('ERR_WECHAT_BAD_RESPONSE');
    up().on('GET', '/thing', (_q, r) => r.code(200).send(''));
    expect((await rejection(get(client()))).code).toBe('ERR_WECHAT_BAD_RESPONSE');
  });

  it('rejects with WeChatBodyError naming the path (not the value) when the schema does not match', async () => {
    up().on('GET', '/thing', (_q, r) => sendJson(r, { value: 12345678 }));
    const e = await rejection(get(client()));
    expect(e).toBeInstanceOf(WeChatBodyError);
    expect(e.details?.issues).toEqual(['value: invalid_type']);
    expect(JSON.stringify(e)).not.toContain('12345678');
  });

  it('rejects with WeChatStatusError on HTTP 500, keeping the status, without retrying by default', async () => {
    up().on('GET', '/thing', (_q, r) => r.code(500).send('oops'));
    const e = await rejection(get(client()));
    expect(e).toBeInstanceOf(WeChatStatusError);
    expect(e.code).toBe('ERR_WECHAT_HTTP_STATUS');
    expect(e.details?.status).toBe(500);
    expect(up().calls).toHaveLength(1);
  });

  it('retries HTTP 5xx when retryTransport is set, but never 4xx', async () => {
    up().on('GET', '/thing', (_q, r) => (up().calls.length < 2 ? r.code(502).send('bad gateway') : sendJson(r, { value: 'v' })));
    await expect(get(client(), { retryTransport: true })).resolves.toEqual({ value: 'v' });
    expect(up().calls).toHaveLength(2);
    up().reset();
    up().on('GET', '/thing', (_q, r) => r.code(403).send('forbidden'));
    expect((await rejection(get(client(), { retryTransport: true }))).details?.status).toBe(403);
    expect(up().calls).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    up().on('GET', '/thing', (_q, r) => r.redirect('/elsewhere', 302));
    expect((await rejection(get(client()))).details?.status).toBe(302);
  });

  it('rejects with WeChatTransportError when the connection is dropped, without retrying by default', async () => {
    up().on('GET', '/thing', (q, r) => dropConnection(q, r));
    const e = await rejection(get(client()));
    expect(e).toBeInstanceOf(WeChatTransportError);
    expect(e.code).toBe('ERR_WECHAT_UNREACHABLE');
    expect(up().calls).toHaveLength(1);
  });

  it('retries a dropped connection when retryTransport is set', async () => {
    up().on('GET', '/thing', (q, r) => (up().calls.length < 2 ? dropConnection(q, r) : sendJson(r, { value: 'v' })));
    await expect(get(client(), { retryTransport: true })).resolves.toEqual({ value: 'v' });
    expect(up().calls).toHaveLength(2);
    expect(sleeps).toEqual([200]);
  });

  it('rejects with WeChatTransportError (ECONNREFUSED) when nothing listens', async () => {
    const other = await startFakeUpstream();
    const baseUrl = other.baseUrl;
    await other.close();
    const e = await rejection(get(client({ baseUrl })));
    expect(e).toBeInstanceOf(WeChatTransportError);
    expect(e.details?.reason).toBe('ECONNREFUSED');
  });

  it('rejects with WeChatTimeoutError when WeChat does not answer within timeoutMs', async () => {
    up().on('GET', '/thing', async (_q, r) => {
      await new Promise((res) => setTimeout(res, 60_000).unref()); // answers only after the test would have ended
      return sendJson(r, { value: 'late' });
    });
    const e = await rejection(settlesWithin(get(client({ timeoutMs: 100 })), 20_000, 'a call with timeoutMs 100 to a silent upstream'));
    expect(e).toBeInstanceOf(WeChatTimeoutError);
    expect(e.code).toBe('ERR_WECHAT_TIMEOUT');
    expect(up().calls).toHaveLength(1);
  });

  it('rejects with WeChatTimeoutError when the body stalls after the headers', async () => {
    up().on('GET', '/thing', (_q, r) => {
      r.hijack();
      r.raw.writeHead(200, { 'content-type': 'application/json' });
      r.raw.write('{"value":');
    });
    const e = await rejection(get(client({ timeoutMs: 150 })));
    expect(e.code).toBe('ERR_WECHAT_TIMEOUT');
  });

  it('keeps every sent secret out of messages and serialized errors, even when errmsg echoes it', async () => {
    const secret = 'SeCrEt+/value==';
    const query = { appid: 'wxapp', secret, js_code: 'CODE-1234', access_token: 'TOKEN-5678' };
    const req = (timeoutMs = 5000) => client({ timeoutMs }).request({ method: 'GET', path: '/thing', query, body: undefined, schema });
    const errors: AppError[] = [];
    up().on('GET', '/thing', (_q, r) =>
      sendJson(r, { errcode: 40125, errmsg: `invalid appsecret ${secret} ${encodeURIComponent(secret)} CODE-1234 TOKEN-5678` }),
    );
    errors.push(await rejection(req()));
    up().on('GET', '/thing', (_q, r) => r.code(500).send(`boom ${secret}`));
    errors.push(await rejection(req()));
    up().on('GET', '/thing', (q, r) => dropConnection(q, r));
    errors.push(await rejection(req()));
    up().on('GET', '/thing', (_q, r) => r.code(200).send(`not json ${secret}`));
    errors.push(await rejection(req()));
    up().on('GET', '/thing', (_q, r) => sendJson(r, { value: secret.length, echo: secret }));
    errors.push(await rejection(req()));
    up().on('GET', '/thing', async (_q, r) => {
      await new Promise((res) => setTimeout(res, 500));
      return sendJson(r, {});
    });
    errors.push(await rejection(req(50)));
    expect(errors.map((e) => e.code)).toEqual([
      'ERR_WECHAT_CREDENTIALS',
      'ERR_WECHAT_HTTP_STATUS',
      'ERR_WECHAT_UNREACHABLE',
      'ERR_WECHAT_BAD_RESPONSE',
      'ERR_WECHAT_BAD_RESPONSE',
      'ERR_WECHAT_TIMEOUT',
    ]);
    expect(errors[0]!.wechat?.errmsg).toContain('[redacted]');
    for (const e of errors) {
      const cause = e.cause instanceof Error ? `${e.cause.message} ${e.cause.stack}` : String(e.cause);
      const everything = [e.message, JSON.stringify(e), e.stack, cause, JSON.stringify(e.toBody())].join('\n');
      for (const s of [secret, encodeURIComponent(secret), 'CODE-1234', 'TOKEN-5678', 'js_code=', 'secret=']) {
        expect(everything).not.toContain(s);
      }
      expect(e.details?.endpoint).toBe('GET /thing');
    }
  });
});

describe('new WeChatHttp()', () => {
  it('throws TypeError for invalid options and freezes itself', () => {
    expect(() => new WeChatHttp({ baseUrl: 'not a url' })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'ftp://x' })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'http://x/?a=1' })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'http://x', timeoutMs: 0 })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'http://x', retry: { attempts: 0 } })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'http://x', retry: { attempts: 1.5 } })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'http://x', retry: { baseDelayMs: 500, maxDelayMs: 100 } })).toThrow(TypeError);
    expect(() => new WeChatHttp({ baseUrl: 'http://x', fetch: 1 as unknown as typeof fetch })).toThrow(TypeError);
    const http = new WeChatHttp({ baseUrl: 'https://api.weixin.qq.com/' });
    expect(http.baseUrl).toBe('https://api.weixin.qq.com');
    expect(http.timeoutMs).toBe(5000);
    expect(http.retry).toEqual({ attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 });
    expect(Object.isFrozen(http)).toBe(true);
    expect(Object.isFrozen(http.retry)).toBe(true);
  });

  it('uses the injected fetch', async () => {
    const seen: string[] = [];
    const http = new WeChatHttp({
      baseUrl: 'https://api.weixin.qq.com',
      fetch: async (url) => {
        seen.push(String(url));
        return new Response('{"value":"injected"}');
      },
    });
    await expect(http.request({ method: 'GET', path: '/x', query: { k: 'v' }, schema })).resolves.toEqual({ value: 'injected' });
    expect(seen).toEqual(['https://api.weixin.qq.com/x?k=v']);
  });
});
