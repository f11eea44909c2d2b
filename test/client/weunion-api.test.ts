import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../../src/client/weunion-api.js';

describe('errorFromResponse()', () => {
  it('errorFromResponse() keeps the server code, status, message and WeChat detail', () => {
    const e = errorFromResponse(400, { error: { code: 'ERR_WECHAT_CODE_USED', message: 'used', wechat: { errcode: 40163, errmsg: 'code been used' } } });
    expect(e).toMatchObject({ code: 'ERR_WECHAT_CODE_USED', status: 400, message: 'used', wechat: { errcode: 40163, errmsg: 'code been used' } });
  });

  it('errorFromResponse() gives ERR_CLIENT_BAD_RESPONSE when the body has no error code', () => {
    expect(errorFromResponse(502, '<html>bad gateway</html>')).toMatchObject({ code: 'ERR_CLIENT_BAD_RESPONSE', status: 502 });
    expect(errorFromResponse(500, null).code).toBe('ERR_CLIENT_BAD_RESPONSE');
  });
});
