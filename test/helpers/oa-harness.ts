/**
 * A small weunion for the callback and scan-to-follow routes: the real composition and app — routes, store (SQLite
 * in memory), flows, job runner — over real HTTP on loopback, with a scripted WeChat gateway (user/info,
 * qrcode/create) put in by compose()'s overrides, and a ManualClock. Pushes are signed (and encrypted) here with the library's MessageCrypt.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { compose } from '../../src/compose/compose.js';
import type { ComposedDeps } from '../../src/compose/deps.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import type { AppError } from '../../src/errors.js';
import { createCallbackHooks } from '../../src/flows/oa/callback-hooks.js';
import type { WeChatGateway } from '../../src/flows/ports.js';
import { buildApp } from '../../src/server/app.js';
import { createMessageCrypt, type MessageCrypt } from '../../src/wechat/crypto/msg-crypt.js';

export const OA = 'wxtest0000000oa01';
export const OA_PLAIN = 'wxtest0000000oa02';
export const TOKEN = 'testtoken';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const GH = 'gh_test00000001';

export type Mode = 'plain' | 'compatible' | 'safe';

export interface Harness {
  url: string;
  clock: ManualClock;
  deps: ComposedDeps;
  crypt: MessageCrypt;
  /** user/info answers by openid (unionid); a queue of errors to throw first. */
  userInfo: { unionids: Map<string, string>; failures: AppError[]; calls: string[] };
  qrCalls: Array<{ scene: string; ttl: number }>;
  /** Signs (and in compatible/safe mode encrypts) a push and POSTs it. */
  push(
    xml: string,
    options?: { mode?: Mode; appid?: string; timestamp?: number; tamper?: (q: Record<string, string>) => void },
  ): Promise<{ status: number; body: string; contentType: string }>;
  jobCount(): Promise<number>;
  close(): Promise<void>;
}

export function eventXml(event: string, options: { from?: string; createTime?: number; eventKey?: string } = {}): string {
  const key = options.eventKey === undefined ? '' : `<EventKey><![CDATA[${options.eventKey}]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>`;
  return `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${options.from ?? 'o-person-1'}]]></FromUserName><CreateTime>${options.createTime ?? 0}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${key}</xml>`;
}

export function textXml(content: string, options: { from?: string; createTime?: number; msgId?: string } = {}): string {
  return `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${options.from ?? 'o-person-1'}]]></FromUserName><CreateTime>${options.createTime ?? 0}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${options.msgId ?? '1000000000000000001'}</MsgId></xml>`;
}

export async function startHarness(configure: (c: Config) => Config = (c) => c): Promise<Harness> {
  const clock = new ManualClock();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-oa-harness-'));
  const config = configure(
    parseConfig({
      storage: 'sqlite::memory:',
      dataDir,
      rateLimit: { perIpPerMinute: 1_000_000, perAppPerMinute: 1_000_000 },
      jobs: { pollMs: 1000, maxAttempts: 3, concurrency: 2 },
      unions: [{ id: 'acme' }],
      apps: [
        { appid: OA, secret: 's1', kind: 'officialAccount', union: 'acme', token: TOKEN, encodingAesKey: AES_KEY, originalId: GH, callbackMode: 'plain' }, // plain mode: takes plain and encrypted pushes
        { appid: OA_PLAIN, secret: 's2', kind: 'officialAccount', union: null, token: TOKEN },
        { appid: 'wxtest00000000mp01', secret: 's3', kind: 'miniprogram', union: 'acme' },
      ],
    }),
  );
  const userInfo = { unionids: new Map<string, string>(), failures: [] as AppError[], calls: [] as string[] };
  const qrCalls: Array<{ scene: string; ttl: number }> = [];
  const scripted: Pick<WeChatGateway, 'userInfo' | 'createTempQrCode'> = {
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
  };
  // The routes under test call only these two; any other WeChat call is a bug of the test.
  const composed = await compose(config, { clock, hooks: createCallbackHooks({ timeoutMs: 200 }), overrides: { wechat: scripted as WeChatGateway } });
  const { deps } = composed;
  const app = await buildApp(deps);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const crypt = createMessageCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: OA });

  return {
    url,
    clock,
    deps,
    crypt,
    userInfo,
    qrCalls,
    async push(xml, options = {}) {
      const mode = options.mode ?? 'plain';
      const timestamp = String(options.timestamp ?? Math.floor(clock.now() / 1000));
      const nonce = String(randomBytes(4).readUInt32BE(0));
      const q: Record<string, string> = { signature: crypt.signature(timestamp, nonce), timestamp, nonce, openid: 'o-person-1' };
      let body = xml;
      if (mode !== 'plain') {
        const encrypt = crypt.encrypt(xml);
        q.encrypt_type = 'aes';
        q.msg_signature = crypt.signature(timestamp, nonce, encrypt);
        const enc = `<Encrypt><![CDATA[${encrypt}]]></Encrypt>`;
        body = mode === 'safe' ? `<xml><ToUserName><![CDATA[${GH}]]></ToUserName>${enc}</xml>` : xml.replace('</xml>', `${enc}</xml>`);
      }
      options.tamper?.(q);
      const res = await fetch(`${url}/v1/oa/${options.appid ?? OA}/callback?${new URLSearchParams(q)}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
      });
      return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
    },
    async jobCount() {
      const c = await deps.store.jobs.jobCounts();
      return c.pending + c.running + c.done + c.failed;
    },
    async close() {
      await app.close();
      await composed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
