/**
 * Findings #3 and #8 of the outside attack, over HTTP against the emulator, on the decrypt road
 * `POST /v1/mp/:appid/unionid` (flows/mp/mp-unionid.ts):
 * #3 — once a session's unionid is known, any body used to get a fresh token (sessions renewed for ever from junk);
 *      now it is 409 ERR_UNIONID_ALREADY_KNOWN with no token.
 * #8 — every failure to open the data answers the same code, a junk body costs at most one `checksession` a minute
 *      for the same session (remembered, not asked per request), and the route is rate-limited per IP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { login, wxUserData } from '../helpers/login-flows.js';
import { type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
afterEach(async () => {
  await stack?.close();
});

const unionidPath = (s: Stack) => `/v1/mp/${s.apps.mp1}/unionid`;
const junk = { encryptedData: Buffer.alloc(48, 7).toString('base64'), iv: Buffer.alloc(16, 1).toString('base64') };

async function emulatorCalls(s: Stack): Promise<Record<string, number>> {
  return (await s.control<{ calls: Record<string, number> }>('/__emulator/stats', undefined, 'GET')).calls;
}

describe('the decrypt road renews no session and is no oracle', () => {
  it('#3: a session whose unionid is known gets 409 ERR_UNIONID_ALREADY_KNOWN and no token, for junk and for real data alike', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const p = await stack.createPerson({ name: 'follower' });
    await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
    await stack.settle();
    const first = await login(stack, stack.apps.mp1, p); // legacy rule: code2session carries a follower's unionid
    expect(first.body).toMatchObject({ unionid: expect.any(String), unionidConfirmed: true });

    for (const body of [junk, await wxUserData(stack, stack.apps.mp1, p)]) {
      const r = await stack.api(unionidPath(stack), body, { token: first.body.token });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('ERR_UNIONID_ALREADY_KNOWN');
      expect(r.body).not.toHaveProperty('token');
      expect(JSON.stringify(r.body)).not.toMatch(/eyJ/); // no JWT anywhere in the answer
    }
  });

  it('#8: junk bodies all answer one code, and cost one checksession for the session, not one per request', async () => {
    stack = await startStack({ unionidRule: 'legacy' }); // a non-follower under the legacy rule: no unionid yet
    const p = await stack.createPerson({ name: 'no-unionid-yet' });
    const first = await login(stack, stack.apps.mp1, p);
    expect(first.body).toMatchObject({ unionid: null });
    await stack.control('/__emulator/stats', undefined, 'DELETE');

    // Wrong padding, right padding but not JSON, a short block: each fails differently inside, and looks the same.
    const answers = [];
    for (let i = 0; i < 6; i++) {
      const bytes = Buffer.alloc(32 + 16 * (i % 3), i + 1);
      answers.push(await stack.api(unionidPath(stack), { encryptedData: bytes.toString('base64'), iv: junk.iv }, { token: first.body.token }));
    }
    const codes = new Set(answers.map((a) => `${a.status} ${a.body.error?.code}`));
    expect(codes.size).toBe(1);
    expect([...codes][0]).toMatch(/^4\d\d ERR_/);
    expect(answers.every((a) => !('token' in a.body))).toBe(true);
    expect((await emulatorCalls(stack))['/wxa/checksession'] ?? 0).toBeLessThanOrEqual(1);
  });

  it('#8: the route is rate-limited per client IP (429 ERR_RATE_LIMITED with Retry-After)', async () => {
    stack = await startStack({ unionidRule: 'legacy', configure: (c) => ({ ...c, rateLimit: { perIpPerMinute: 5, perAppPerMinute: 1_000 } }) });
    const p = await stack.createPerson({ name: 'prober' });
    // The login itself counts against the same per-IP budget (both are login routes).
    const first = await login(stack, stack.apps.mp1, p);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.api(unionidPath(stack), junk, { token: first.body.token })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    const limited = await fetch(`${stack.serverUrl}${unionidPath(stack)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.body.token}` },
      body: JSON.stringify(junk),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('ERR_RATE_LIMITED');
  });
});
