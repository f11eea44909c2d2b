import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getOpenAccount } from '../../../src/wechat/api/open.js';
import { WeChatHttp } from '../../../src/wechat/api/request.js';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../fake-upstream.js';
import { expectNoSecrets, failure } from '../no-secrets.js';

let up: FakeUpstream;
let http: WeChatHttp;
const TOKEN = 'ACCESS-TOKEN-open-1234567890';

beforeAll(async () => {
  up = await startFakeUpstream();
  http = new WeChatHttp({ baseUrl: up.baseUrl, sleep: async () => undefined });
});
afterAll(async () => {
  await up.close();
});
beforeEach(() => up.reset());

describe('getOpenAccount()', () => {
  it('POSTs {appid} and returns open_appid', async () => {
    up.on('POST', '/cgi-bin/open/get', (_q, r) => sendJson(r, { open_appid: 'wxopen123', errcode: 0, errmsg: 'ok' }));
    expect(await getOpenAccount(http, { accessToken: TOKEN, appid: 'wxoa' })).toBe('wxopen123');
    expect(up.calls[0]!.method).toBe('POST');
    expect(up.calls[0]!.query).toEqual({ access_token: TOKEN });
    expect(up.calls[0]!.body).toEqual({ appid: 'wxoa' });
  });

  it('returns null when the account is not bound (89002)', async () => {
    up.on('POST', '/cgi-bin/open/get', (_q, r) => sendJson(r, { errcode: 89002, errmsg: 'open not exists' }));
    expect(await getOpenAccount(http, { accessToken: TOKEN })).toBeNull();
    expect(up.calls[0]!.body).toEqual({});
  });

  it('throws other errcodes (48001, 40013) with the errcode kept and no token', async () => {
    for (const errcode of [48001, 40013]) {
      up.on('POST', '/cgi-bin/open/get', (_q, r) => sendJson(r, { errcode, errmsg: 'no' }));
      const e = await failure(getOpenAccount(http, { accessToken: TOKEN, appid: 'wxoa' }));
      expect(e.wechat?.errcode).toBe(errcode);
      expectNoSecrets(e, [TOKEN]);
    }
  });
});
