import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../../src/errors.js';
import { errcodeAdvice, errcodeToErrorCode, RETRYABLE_ERRCODES, TOKEN_INVALID_ERRCODES, WECHAT_ERRCODE } from '../../../src/wechat/api/errcodes.js';

describe('errcodeToErrorCode()', () => {
  it('maps every named errcode onto a catalogued ErrorCode', () => {
    for (const n of Object.values(WECHAT_ERRCODE)) expect(ERROR_CATALOG).toHaveProperty(errcodeToErrorCode(n));
  });

  it('maps unknown errcodes to ERR_WECHAT_API', () => {
    expect(errcodeToErrorCode(99999)).toBe('ERR_WECHAT_API');
    expect(errcodeToErrorCode(40001)).toBe('ERR_WECHAT_API');
  });

  it('lists the token-invalid and retryable errcodes', () => {
    expect([...TOKEN_INVALID_ERRCODES].sort()).toEqual([40001, 40014, 42001]);
    expect([...RETRYABLE_ERRCODES].sort()).toEqual([-1, -1000]);
  });
});

describe('errcodeAdvice()', () => {
  it('tells the operator what to do about 45009 and the IP whitelist errcodes, and nothing else', () => {
    expect(errcodeAdvice(45009)).toMatch(/45009.*reset it in the WeChat console.*clear_quota/i);
    for (const n of [40164, 61004]) expect(errcodeAdvice(n)).toMatch(new RegExp(`\\(${n}\\).*IP whitelist`));
    expect(errcodeAdvice(40001)).toBeUndefined();
    expect(errcodeAdvice(-1)).toBeUndefined();
  });
});
