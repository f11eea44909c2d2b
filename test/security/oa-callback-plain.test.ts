/**
 * #9: plain-mode callbacks. The URL verification (GET) is held to the timestamp window like a push, and its signature
 * — which covers no body — cannot be presented by a POST afterwards (ERR_CALLBACK_REPLAYED); and with the account's
 * `originalId` configured, a push addressed to another ToUserName is refused (ERR_CALLBACK_RECIPIENT), plain or
 * encrypted. Through HTTP against the real app (test/server/oa/harness.ts signs the pushes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventXml, GH, type Harness, OA, OA_PLAIN, startHarness, textXml } from '../helpers/oa-harness.js';

let h: Harness;
const now = () => Math.floor(h.clock.now() / 1000);

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A signed URL verification, as WeChat sends it when the console saves the server URL. */
function verificationQuery(timestamp: number, nonce = '486452656'): URLSearchParams {
  const ts = String(timestamp);
  return new URLSearchParams({ signature: h.crypt.signature(ts, nonce), timestamp: ts, nonce, echostr: '5837397520665436492' });
}

async function status(res: Response): Promise<{ status: number; code?: string; text: string }> {
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, text, ...(code ? { code } : {}) };
}

describe('GET URL verification (plain signature, no body)', () => {
  it('is refused outside the timestamp window, answered inside it', async () => {
    for (const skew of [-301, 301, -100_000]) {
      const r = await status(await fetch(`${await h.listen()}/v1/oa/${OA}/callback?${verificationQuery(now() + skew)}`));
      expect(r, `skew ${skew}`).toMatchObject({ status: 403, code: 'ERR_CALLBACK_TIMESTAMP' });
    }
    const ok = await status(await fetch(`${await h.listen()}/v1/oa/${OA}/callback?${verificationQuery(now())}`));
    expect(ok).toMatchObject({ status: 200, text: '5837397520665436492' });
    // WeChat may verify again with the same URL: still answered.
    expect((await fetch(`${await h.listen()}/v1/oa/${OA}/callback?${verificationQuery(now())}`)).status).toBe(200);
  });

  it.each([
    ['an account with originalId', OA],
    ['an account without', OA_PLAIN],
  ])('its signature cannot carry a POST afterwards (%s): 403 ERR_CALLBACK_REPLAYED, nothing stored', async (_name, appid) => {
    const q = verificationQuery(now());
    expect((await fetch(`${await h.listen()}/v1/oa/${appid}/callback?${q}`)).status).toBe(200);
    q.delete('echostr');
    for (const body of [eventXml('subscribe', { from: 'o-victim', createTime: now() }), textXml('hi', { createTime: now() })]) {
      const r = await status(
        await fetch(`${await h.listen()}/v1/oa/${appid}/callback?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body }),
      );
      expect(r).toMatchObject({ status: 403, code: 'ERR_CALLBACK_REPLAYED' });
    }
    expect(await h.jobCount()).toBe(0);
    expect(h.userInfo.calls).toEqual([]);
  });
});

describe('ToUserName against the configured originalId', () => {
  const other = (xml: string) => xml.replace(GH, 'gh_someoneelse0');

  it('refuses a push addressed to another account, plain or encrypted (400 ERR_CALLBACK_RECIPIENT), nothing stored', async () => {
    for (const mode of ['plain', 'compatible', 'safe'] as const) {
      const r = await h.push(other(eventXml('subscribe', { createTime: now() })), { mode });
      expect(r.status, `${mode}: ${r.body}`).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'ERR_CALLBACK_RECIPIENT' } });
    }
    expect(await h.jobCount()).toBe(0);
    // The account's own pushes still go through.
    const ok = await h.push(eventXml('subscribe', { createTime: now() }));
    expect([ok.status, ok.body]).toEqual([200, 'success']);
    expect(await h.jobCount()).toBe(1);
  });

  it('takes any ToUserName for an account whose originalId is not configured', async () => {
    const r = await h.push(other(eventXml('subscribe', { createTime: now() })), { appid: OA_PLAIN });
    expect([r.status, r.body]).toEqual([200, 'success']);
  });
});
