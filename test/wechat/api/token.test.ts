import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../src/errors.js';
import { fetchAccessToken, fetchStableAccessToken } from '../../../src/wechat/api/token.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const creds = { appid: 'wxapp', secret: 'app-secret-xyz' };

describe('fetchAccessToken()', () => {
  it('GETs /cgi-bin/token with grant_type=client_credential and maps the answer', async () => {
    up().on('GET', '/cgi-bin/token', (_q, r) => sendJson(r, { access_token: 'AT-1', expires_in: 7200 }));
    await expect(fetchAccessToken(http(), creds)).resolves.toEqual({ accessToken: 'AT-1', expiresIn: 7200 });
    expect(up().calls[0]!.query).toEqual({ grant_type: 'client_credential', ...creds });
  });

  it('accepts expires_in as a numeric string', async () => {
    up().on('GET', '/cgi-bin/token', (_q, r) => sendJson(r, { access_token: 'AT-1', expires_in: '7200' }));
    await expect(fetchAccessToken(http(), creds)).resolves.toEqual({ accessToken: 'AT-1', expiresIn: 7200 });
  });

  it('rejects with ERR_WECHAT_BAD_RESPONSE when access_token is missing or expires_in is not positive', async () => {
    up().on('GET', '/cgi-bin/token', (_q, r) => sendJson(r, { expires_in: 7200 }));
    await expect(fetchAccessToken(http(), creds)).rejects.toMatchObject({ code: 'ERR_WECHAT_BAD_RESPONSE' });
    up().on('GET', '/cgi-bin/token', (_q, r) => sendJson(r, { access_token: 'AT', expires_in: 0 }));
    await expect(fetchAccessToken(http(), creds)).rejects.toMatchObject({ code: 'ERR_WECHAT_BAD_RESPONSE' });
  });

  it('rejects with ERR_WECHAT_CREDENTIALS on 40164 (IP whitelist) without leaking the secret', async () => {
    up().on('GET', '/cgi-bin/token', (_q, r) =>
      sendJson(r, { errcode: 40164, errmsg: 'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 1-2-3' }, 'application/json; encoding=utf-8'),
    );
    try {
      await fetchAccessToken(http(), creds);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('ERR_WECHAT_CREDENTIALS');
      expect(`${(e as Error).message} ${JSON.stringify(e)}`).not.toContain(creds.secret);
    }
  });

  it('retries -1000 then resolves', async () => {
    up().on('GET', '/cgi-bin/token', (_q, r) =>
      sendJson(r, up().calls.length === 1 ? { errcode: -1000, errmsg: 'system error' } : { access_token: 'AT-2', expires_in: 7200 }),
    );
    await expect(fetchAccessToken(http(), creds)).resolves.toMatchObject({ accessToken: 'AT-2' });
    expect(up().calls).toHaveLength(2);
  });
});

describe('fetchStableAccessToken()', () => {
  it('POSTs a JSON body with force_refresh false by default', async () => {
    up().on('POST', '/cgi-bin/stable_token', (_q, r) => sendJson(r, { access_token: 'ST-1', expires_in: 7000 }));
    await expect(fetchStableAccessToken(http(), creds)).resolves.toEqual({ accessToken: 'ST-1', expiresIn: 7000 });
    expect(up().calls[0]!.body).toEqual({ grant_type: 'client_credential', ...creds, force_refresh: false });
    expect(up().calls[0]!.query).toEqual({});
  });

  it('sends force_refresh true when asked, and does not retry it on a 5xx', async () => {
    up().on('POST', '/cgi-bin/stable_token', (_q, r) => r.code(503).send('busy'));
    await expect(fetchStableAccessToken(http(), { ...creds, forceRefresh: true })).rejects.toMatchObject({ code: 'ERR_WECHAT_HTTP_STATUS' });
    expect(up().calls).toHaveLength(1);
    expect((up().calls[0]!.body as { force_refresh: boolean }).force_refresh).toBe(true);
  });

  it('retries a 5xx in normal mode', async () => {
    up().on('POST', '/cgi-bin/stable_token', (_q, r) =>
      up().calls.length === 1 ? r.code(503).send('busy') : sendJson(r, { access_token: 'ST-2', expires_in: 7200 }),
    );
    await expect(fetchStableAccessToken(http(), creds)).resolves.toMatchObject({ accessToken: 'ST-2' });
    expect(up().calls).toHaveLength(2);
  });

  it('throws TypeError without a secret', async () => {
    await expect(fetchStableAccessToken(http(), { appid: 'wxapp', secret: '' })).rejects.toBeInstanceOf(TypeError);
  });
});
