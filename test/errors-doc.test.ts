import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_ERROR_CODES, SERVER_ERROR_CODES } from '../src/client/index.js';
import { CLIENT_ERROR_CODES as WEB_CLIENT_ERROR_CODES } from '../src/client/web/index.js';
import { AppError, ERROR_CATALOG, type ErrorCode } from '../src/errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map<string, number>();
for (const m of doc.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)) rows.set(m[1]!, Number(m[2]));
const clientRows = [...doc.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|\s*SDK\s*\|/gm)].map((m) => m[1]!);

describe('docs/errors.md', () => {
  it('lists every ErrorCode with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOG)) {
      expect(rows.get(code), `${code} missing or wrong status in docs/errors.md`).toBe(status);
    }
  });
  it('lists no code that does not exist', () => {
    const unknown = [...rows.keys()].filter((c) => !(c in ERROR_CATALOG));
    expect(unknown).toEqual([]);
  });
});

describe('docs/errors.md, client SDK codes', () => {
  it('lists every code the client SDK raises itself, and none it does not', () => {
    expect([...clientRows].sort()).toEqual(Object.values(CLIENT_ERROR_CODES).sort());
  });
  it('keeps them apart from the server codes (the server never sends one)', () => {
    for (const code of clientRows) expect(code in ERROR_CATALOG, code).toBe(false);
  });
  it('the web SDK exports the same client codes', () => {
    expect(WEB_CLIENT_ERROR_CODES).toBe(CLIENT_ERROR_CODES);
  });
  it('the server codes the SDK reacts to exist in the server catalogue (and so in the doc)', () => {
    const unknown = Object.values(SERVER_ERROR_CODES).filter((c) => !(c in ERROR_CATALOG) || !rows.has(c));
    expect(unknown).toEqual([]);
  });
});

describe('AppError', () => {
  it('toBody() carries the code, message and the WeChat errcode, nothing else', () => {
    const e = new AppError('ERR_WECHAT_CODE_USED', { wechat: { errcode: 40163, errmsg: 'code been used, rid: x' } });
    expect(e.status).toBe(400);
    expect(e.toBody()).toEqual({
      error: {
        code: 'ERR_WECHAT_CODE_USED',
        message: ERROR_CATALOG.ERR_WECHAT_CODE_USED.message,
        wechat: { errcode: 40163, errmsg: 'code been used, rid: x' },
      },
    });
    const codes: ErrorCode[] = Object.keys(ERROR_CATALOG) as ErrorCode[];
    expect(new Set(codes).size).toBe(codes.length);
  });
});
