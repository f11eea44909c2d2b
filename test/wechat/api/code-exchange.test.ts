import { beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../src/errors.js';
import { createCodeExchanger } from '../../../src/wechat/api/code-exchange.js';
import { sendJson, useFakeUpstream, noSleepHttp } from '../../helpers/fake-upstream.js';

const up = useFakeUpstream();
const http = noSleepHttp(up);
const creds = { appid: 'wxapp', secret: 'app-secret' };
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  // Like WeChat: a code works once; later uses get 40163.
  const used = new Set<string>();
  up().on('GET', '/sns/jscode2session', async (q, r) => {
    const code = (q.query as Record<string, string>).js_code!;
    await delay(30);
    if (code.startsWith('bad')) return sendJson(r, { errcode: 40029, errmsg: 'invalid code' });
    if (used.has(code)) return sendJson(r, { errcode: 40163, errmsg: 'code been used' });
    used.add(code);
    return sendJson(r, { openid: `o-${code}`, session_key: `k-${code}` });
  });
});

describe('createCodeExchanger().exchange()', () => {
  it('makes one upstream call for 10 concurrent exchanges of the same code, all getting the same answer', async () => {
    const ex = createCodeExchanger(http());
    const results = await Promise.all(Array.from({ length: 10 }, () => ex.exchange({ ...creds, code: 'c1' })));
    expect(up().calls).toHaveLength(1);
    for (const r of results) expect(r).toBe(results[0]);
    expect(results[0]).toEqual({ openid: 'o-c1', sessionKey: 'k-c1' });
    expect(Object.isFrozen(results[0])).toBe(true);
  });

  it('shares the error too', async () => {
    const ex = createCodeExchanger(http());
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => ex.exchange({ ...creds, code: 'bad-1' })));
    expect(up().calls).toHaveLength(1);
    const reasons = settled.map((s) => (s.status === 'rejected' ? (s.reason as AppError) : undefined));
    for (const e of reasons) expect(e?.code).toBe('ERR_WECHAT_CODE_INVALID');
    expect(new Set(reasons).size).toBe(1);
  });

  it('makes separate calls for different codes and for the same code on another appid', async () => {
    const ex = createCodeExchanger(http());
    const [a, b, c] = await Promise.all([
      ex.exchange({ ...creds, code: 'c1' }),
      ex.exchange({ ...creds, code: 'c2' }),
      ex.exchange({ ...creds, appid: 'wxother', code: 'c3' }),
    ]);
    expect(up().calls).toHaveLength(3);
    expect([a.openid, b.openid, c.openid]).toEqual(['o-c1', 'o-c2', 'o-c3']);
  });

  it('forgets the entry once settled: a later exchange of the same code calls WeChat again (and gets 40163)', async () => {
    const ex = createCodeExchanger(http());
    await ex.exchange({ ...creds, code: 'c1' });
    await expect(ex.exchange({ ...creds, code: 'c1' })).rejects.toMatchObject({ code: 'ERR_WECHAT_CODE_USED' });
    expect(up().calls).toHaveLength(2);
  });

  it('uses an injected SingleFlight', async () => {
    const keys: string[] = [];
    const ex = createCodeExchanger(http(), {
      flight: {
        run: (key, fn) => {
          keys.push(key);
          return fn();
        },
      },
    });
    await ex.exchange({ ...creds, code: 'c9' });
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain('c9');
  });
});
