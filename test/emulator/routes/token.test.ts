import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINI, OA, RID, startEmulator, type Harness } from '../helpers.js';

describe('GET /cgi-bin/token and POST /cgi-bin/stable_token', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  /** A token-taking endpoint to probe a token with: checksession's token gate runs first. */
  const probe = async (token: string | undefined): Promise<number> => {
    const r = await h.get('/wxa/checksession', { access_token: token, openid: 'x', signature: 'x', sig_method: 'hmac_sha256' });
    return r.json.errcode;
  };
  const VALID = 40003; // the token passed; the made-up openid did not

  it('token() issues a new ~140-char token on every call with expires_in 7200', async () => {
    const r = await h.get('/cgi-bin/token', { grant_type: 'client_credential', appid: MINI.appid, secret: MINI.secret });
    expect(r.contentType).toBe('application/json; encoding=utf-8');
    expect(r.json.expires_in).toBe(7200);
    expect(r.json.access_token.length).toBeGreaterThanOrEqual(100);
    expect(r.json.access_token.length).toBeLessThanOrEqual(512);
    expect(r.json).not.toHaveProperty('errcode');
    expect(await h.token(MINI)).not.toBe(r.json.access_token);
  });

  it('token() keeps the previous token valid 300 s after a new one, then answers 40001 for it', async () => {
    const old = await h.token(MINI);
    const fresh = await h.token(MINI);
    await h.advance(299);
    expect(await probe(old)).toBe(VALID);
    await h.advance(1);
    expect(await probe(old)).toBe(40001);
    expect(await probe(fresh)).toBe(VALID);
  });

  it('token() answers 42001 once a token reaches its natural expiry', async () => {
    const t = await h.token(MINI);
    await h.advance(7199);
    expect(await probe(t)).toBe(VALID);
    await h.advance(1);
    const r = await h.get('/wxa/checksession', { access_token: t, openid: 'x', signature: 'x', sig_method: 'hmac_sha256' });
    expect(r.json.errcode).toBe(42001);
    expect(r.json.errmsg).toMatch(/^access_token expired/);
    expect(r.json.errmsg).toMatch(RID);
  });

  it('the token check answers 41001 without a token, 40014 for a malformed one, 40001 for a well-formed unknown one', async () => {
    expect(await probe(undefined)).toBe(41001);
    expect(await probe('80_madeup')).toBe(40014); // too short
    expect(await probe('ACCESS_TOKEN')).toBe(40014);
    const real = await h.token(MINI);
    expect(await probe(`${real.slice(0, -1)}+`)).toBe(40014); // a character no token has
    expect(await probe(real.slice(0, 40))).toBe(40014); // truncated
    expect(await probe(`80_${'A'.repeat(140)}`)).toBe(40001); // well-formed, never issued
    const r = await h.get('/cgi-bin/user/info', { access_token: 'garbled', openid: 'x' });
    expect(r.json.errmsg).toMatch(/^invalid access_token, rid: /);
  });

  it('tokens of different apps are independent', async () => {
    const a = await h.token(MINI);
    await h.token(OA);
    await h.advance(301);
    expect(await probe(a)).toBe(VALID);
  });

  it('token() answers 40002/41002/41004/40013/40125 for bad parameters', async () => {
    const ok = { grant_type: 'client_credential', appid: MINI.appid, secret: MINI.secret };
    const code = async (q: Record<string, string | undefined>) => (await h.get('/cgi-bin/token', { ...ok, ...q })).json.errcode;
    expect(await code({ grant_type: 'authorization_code' })).toBe(40002);
    expect(await code({ appid: undefined })).toBe(41002);
    expect(await code({ secret: undefined })).toBe(41004);
    expect(await code({ appid: 'wxunknown' })).toBe(40013);
    expect(await code({ secret: 'nope' })).toBe(40125);
  });

  describe('stable_token', () => {
    const stable = (body: unknown) => h.post('/cgi-bin/stable_token', body);
    const creds = { grant_type: 'client_credential', appid: MINI.appid, secret: MINI.secret };

    it('stable_token() returns the same token while ≥ 5 min are left, then a new one while the old lives on', async () => {
      const a = (await stable(creds)).json;
      expect(a.expires_in).toBe(7200);
      await h.advance(1000);
      const b = (await stable(creds)).json;
      expect(b.access_token).toBe(a.access_token);
      expect(b.expires_in).toBe(6200);
      await h.advance(6000); // 200 s left: renewed
      const c = (await stable(creds)).json;
      expect(c.access_token).not.toBe(a.access_token);
      expect(c.expires_in).toBe(7200);
      expect(await probe(a.access_token)).toBe(VALID);
      await h.advance(200);
      expect(await probe(a.access_token)).toBe(42001);
      expect(await probe(c.access_token)).toBe(VALID);
    });

    it('stable_token() is separate from /cgi-bin/token: fetching one never invalidates the other', async () => {
      const s = (await stable(creds)).json.access_token;
      await h.token(MINI);
      await h.token(MINI);
      await h.advance(301);
      expect(await probe(s)).toBe(VALID);
    });

    it('stable_token() rotates on force_refresh (debounced 30 s), and two forced calls kill the older token', async () => {
      const a = (await stable(creds)).json.access_token;
      const b = (await stable({ ...creds, force_refresh: true })).json.access_token;
      expect(b).not.toBe(a);
      expect((await stable({ ...creds, force_refresh: true })).json.access_token).toBe(b); // < 30 s later
      expect(await probe(a)).toBe(VALID); // the outgoing token gets the overlap
      await h.advance(30);
      const c = (await stable({ ...creds, force_refresh: true })).json.access_token;
      expect(c).not.toBe(b);
      expect(await probe(a)).toBe(40001);
      expect(await probe(b)).toBe(VALID);
    });

    it('stable_token() answers 43002 to GET, 44002 to an empty body, 47001 to a form body, 40125 to a wrong secret', async () => {
      expect((await h.get('/cgi-bin/stable_token')).json.errcode).toBe(43002);
      expect((await h.send('POST', '/cgi-bin/stable_token')).json.errcode).toBe(44002);
      const form = await fetch(`${h.base}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credential',
      });
      expect(form.status).toBe(200);
      expect(((await form.json()) as { errcode: number }).errcode).toBe(47001);
      expect((await stable({ ...creds, secret: 'bad' })).json.errcode).toBe(40125);
    });
  });
});
