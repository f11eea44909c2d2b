import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { describeJobError } from '../../src/jobs/describe-job-error.js';
import { PermanentJobError } from '../../src/jobs/permanent-job-error.js';

describe('describeJobError()', () => {
  it('describes an AppError by code and message, with the WeChat errcode and endpoint', () => {
    const e = new AppError('ERR_WECHAT_BUSY', { wechat: { errcode: -1, errmsg: 'system error' }, details: { endpoint: 'GET /cgi-bin/user/info' } });
    expect(describeJobError(e)).toBe('ERR_WECHAT_BUSY: WeChat is busy (-1); retry later. [errcode -1] (GET /cgi-bin/user/info)');
  });

  it('masks credentials a library put in a URL in its message', () => {
    const text = describeJobError(new Error('GET https://api.weixin.qq.com/cgi-bin/user/info?access_token=TOKEN123&openid=o1 failed; secret=S3CR3T'));
    expect(text).not.toContain('TOKEN123');
    expect(text).not.toContain('S3CR3T');
    expect(text).toContain('access_token=***');
    expect(text).toContain('openid=o1');
  });

  it('uses a string code of a Node error, and describes a PermanentJobError with its cause', () => {
    expect(describeJobError(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED: connect refused');
    const e = new PermanentJobError('app wxGone is not configured', { cause: new AppError('ERR_APP_UNKNOWN') });
    expect(describeJobError(e)).toBe('permanent: app wxGone is not configured (cause: ERR_APP_UNKNOWN: This appid is not configured in weunion.)');
  });

  it('never echoes a thrown non-error value, and cuts long texts', () => {
    expect(describeJobError('payload secret')).toBe('non-error thrown: string');
    expect(describeJobError(new Error('x'.repeat(2000))).length).toBeLessThanOrEqual(500);
  });
});
