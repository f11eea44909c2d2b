/**
 * A small weunion for the callback and scan-to-follow routes: the route app (route-app.ts: the real composition and
 * app over SQLite in memory, driven with inject()) with a scripted WeChat gateway for the two calls these roads make
 * (user/info, qrcode/create). Pushes are signed (and encrypted) here with the library's MessageCrypt.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { AppError } from '../../src/errors.js';
import { createCallbackHooks } from '../../src/flows/oa/callback-hooks.js';
import { createMessageCrypt, type MessageCrypt } from '../../src/wechat/crypto/msg-crypt.js';
import { type RouteApp, startRouteApp } from './route-app.js';
import { AES_KEY, APPS, GH, TOKEN } from './test-apps.js';

export { AES_KEY, GH, TOKEN };
export const OA = APPS.oa;
export const OA_PLAIN = APPS.oaPlain;

export type Mode = 'plain' | 'compatible' | 'safe';

export interface Harness extends RouteApp {
  crypt: MessageCrypt;
  /** user/info answers by openid (unionid); a queue of errors to throw first. */
  userInfo: { unionids: Map<string, string>; failures: AppError[]; calls: string[] };
  qrCalls: Array<{ scene: string; ttl: number }>;
  /** Now on the harness clock, in unix seconds (a push's CreateTime). */
  now(): number;
  /** Signs (and in compatible/safe mode encrypts) a push and POSTs it. */
  push(
    xml: string,
    options?: { mode?: Mode; appid?: string; timestamp?: number; tamper?: (q: Record<string, string>) => void },
  ): Promise<{ status: number; body: string; contentType: string }>;
  jobCount(): Promise<number>;
}

export function eventXml(event: string, options: { from?: string; createTime?: number; eventKey?: string } = {}): string {
  const key = options.eventKey === undefined ? '' : `<EventKey><![CDATA[${options.eventKey}]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>`;
  return `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${options.from ?? 'o-person-1'}]]></FromUserName><CreateTime>${options.createTime ?? 0}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${key}</xml>`;
}

export function textXml(content: string, options: { from?: string; createTime?: number; msgId?: string } = {}): string {
  return `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${options.from ?? 'o-person-1'}]]></FromUserName><CreateTime>${options.createTime ?? 0}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${options.msgId ?? '1000000000000000001'}</MsgId></xml>`;
}

/**
 * `xml` as WeChat pushes it in `mode`: the signed query and the body (in compatible/safe mode encrypted, with
 * msg_signature; safe mode sends only the envelope).
 */
export function signedPush(
  crypt: MessageCrypt,
  xml: string,
  options: { mode?: Mode; timestamp: number; nonce?: string },
): { query: Record<string, string>; body: string } {
  const mode = options.mode ?? 'plain';
  const timestamp = String(options.timestamp);
  const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const query: Record<string, string> = { signature: crypt.signature(timestamp, nonce), timestamp, nonce, openid: 'o-person-1' };
  if (mode === 'plain') return { query, body: xml };
  const encrypt = crypt.encrypt(xml);
  query.encrypt_type = 'aes';
  query.msg_signature = crypt.signature(timestamp, nonce, encrypt);
  const envelope = `<Encrypt><![CDATA[${encrypt}]]></Encrypt>`;
  return { query, body: mode === 'safe' ? `<xml><ToUserName><![CDATA[${GH}]]></ToUserName>${envelope}</xml>` : xml.replace('</xml>', `${envelope}</xml>`) };
}

export async function startHarness(configure?: (c: Config) => Config): Promise<Harness> {
  const userInfo = { unionids: new Map<string, string>(), failures: [] as AppError[], calls: [] as string[] };
  const qrCalls: Array<{ scene: string; ttl: number }> = [];
  // The routes under test make only these two WeChat calls; any other is unscripted and fails the request.
  const api = await startRouteApp({
    ...(configure ? { configure } : {}),
    hooks: createCallbackHooks({ timeoutMs: 200 }),
    script: {
      async userInfo(app, openid) {
        userInfo.calls.push(`${app.appid}:${openid}`);
        const failure = userInfo.failures.shift();
        if (failure) throw failure;
        const unionid = userInfo.unionids.get(openid);
        return { subscribe: true, openid, ...(unionid ? { unionid } : {}) };
      },
      async createTempQrCode(_app, sceneStr, expireSeconds) {
        qrCalls.push({ scene: sceneStr, ttl: expireSeconds });
        const ticket = `gQ+ticket/${qrCalls.length}==`;
        return { ticket, expireSeconds, url: `https://mp.example/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}` };
      },
    },
  });
  const crypt = createMessageCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: OA });
  const now = () => Math.floor(api.clock.now() / 1000);
  let closed: Promise<void> | undefined;
  return {
    ...api,
    crypt,
    userInfo,
    qrCalls,
    now,
    async push(xml, options = {}) {
      const { query, body } = signedPush(crypt, xml, { mode: options.mode ?? 'plain', timestamp: options.timestamp ?? now() });
      options.tamper?.(query);
      const res = await api.call('POST', `/v1/oa/${options.appid ?? OA}/callback?${new URLSearchParams(query)}`, {
        payload: body,
        headers: { 'content-type': 'text/xml' },
      });
      return { status: res.status, body: res.text, contentType: String(res.headers['content-type'] ?? '') };
    },
    async jobCount() {
      const c = await api.deps.store.jobs.jobCounts();
      return c.pending + c.running + c.done + c.failed;
    },
    close: () => (closed ??= api.close()), // a test may close it itself (shutdown); afterEach closes it again
  };
}

/**
 * A fresh harness for every test of the file (started before each, closed after).
 * @example
 *   const harness = useHarness();
 *   it('…', async () => expect((await harness().push(textXml('hi'))).body).toBe('success'));
 */
export function useHarness(configure?: (c: Config) => Config): () => Harness {
  let h: Harness | undefined;
  beforeEach(async () => {
    h = await startHarness(configure);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  return () => {
    if (!h) throw new Error('useHarness(): the harness is only there while a test runs');
    return h;
  };
}
