/**
 * The server-URL check WeChat makes when a callback URL is saved: `GET <url>?signature&timestamp&nonce&echostr`,
 * and the URL is accepted only when the answer's body is `echostr` itself
 * (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html, 第二步：验证消息的确来自微信服务器).
 * The emulator sends it whenever a callback URL is set or changed, records the outcome per app, and keeps the URL
 * either way (the console would refuse it; a test sees `verification.ok: false` instead).
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../clock.js';
import type { CallbackSettings } from './app-callbacks.js';
import type { IdMinter } from './ids.js';
import { callbackSignature } from './msg-crypt.js';

export interface Verification {
  readonly url: string;
  /** Epoch ms it was sent (push clock). */
  readonly at: number;
  /** True when the body was exactly the echostr. */
  readonly ok: boolean;
  readonly status: number | null;
  readonly error?: string;
}

function get(url: URL, timeoutMs: number): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 1024) }));
      res.on('error', (e) => resolve({ error: `connection error: ${e.message}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: 'timeout' });
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: `connection error: ${e.code ?? e.message}` }));
  });
}

export class CallbackVerifier {
  readonly #latest = new Map<string, Verification>();
  readonly #running = new Set<Promise<Verification>>();

  readonly o: { clock: Clock; ids: IdMinter; timeoutMs: number };

  constructor(o: { clock: Clock; ids: IdMinter; timeoutMs: number }) {
    this.o = o;
  }

  /** Sends the check for `appid`'s current settings; resolves with (and records) the outcome. */
  verify(appid: string, settings: CallbackSettings): Promise<Verification> {
    const run = this.#run(appid, settings).finally(() => this.#running.delete(run));
    this.#running.add(run);
    return run;
  }

  latest(appid: string): Verification | undefined {
    return this.#latest.get(appid);
  }

  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #run(appid: string, s: CallbackSettings): Promise<Verification> {
    const at = this.o.clock.now();
    const timestamp = String(Math.floor(at / 1000));
    const nonce = String(this.o.ids.bytes(4).readUInt32BE(0));
    const echostr = String(this.o.ids.bytes(8).readBigUInt64BE(0));
    const url = new URL(s.callbackUrl as string);
    const query = { signature: callbackSignature(s.token ?? '', timestamp, nonce), echostr, timestamp, nonce };
    for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
    const r = await get(url, this.o.timeoutMs);
    const v: Verification =
      'error' in r
        ? { url: s.callbackUrl as string, at, ok: false, status: null, error: r.error }
        : { url: s.callbackUrl as string, at, ok: r.status === 200 && r.body === echostr, status: r.status };
    this.#latest.set(appid, v);
    return v;
  }
}
