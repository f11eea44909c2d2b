/**
 * The one place that talks HTTP to WeChat: builds the URL, sends GET (query) or POST (JSON), enforces a
 * timeout, parses the body as JSON whatever its Content-Type (docs/wechat-api.md §0), turns a non-zero
 * `errcode` into `WeChatApiError`, validates success bodies with a zod schema, and retries only what is
 * safe to retry. `fetch` and `sleep` are injected so tests run on loopback with virtual waits.
 */
import type { z } from 'zod';
import { RETRYABLE_ERRCODES } from './errcodes.js';
import { type EndpointRef, WeChatApiError, WeChatBodyError, WeChatStatusError, WeChatTimeoutError, WeChatTransportError } from './wechat-errors.js';
import { redactor, safeCause, transportReason } from './redact.js';
import { createUndiciTransport, type HttpTransport } from './http-transport.js';

export interface RetryOptions {
  /** Total attempts, first one included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface WeChatHttpOptions {
  /** e.g. `https://api.weixin.qq.com`, or the emulator's address. A path prefix is kept. */
  baseUrl: string;
  /** The HTTP transport (anything fetch-shaped; global `fetch` fits). Default: undici `request()` with keep-alive. */
  fetch?: HttpTransport;
  /** Per attempt, covering headers and body. Default 5000. */
  timeoutMs?: number;
  /** Retries of errcode -1/-1000 (and, per call, of transport failures). Default 3 attempts, 200 ms doubling to 2000 ms. */
  retry?: Partial<RetryOptions>;
  sleep?: (ms: number) => Promise<void>;
  /** Told of every attempt's outcome (metrics); must not throw. Default: nobody. */
  observe?: WeChatCallObserver;
}

/**
 * One attempt at a WeChat endpoint: its path (never the query), and `errcode`: `0` for a success, WeChat's errcode,
 * or what went wrong before one was read (`http_<status>`, `timeout`, `unreachable`, `bad_body`).
 */
export interface WeChatCallRecord {
  path: string;
  errcode: string;
}
export type WeChatCallObserver = (call: WeChatCallRecord) => void;

function outcomeOf(e: unknown): string {
  if (e instanceof WeChatApiError) return String(e.wechat.errcode);
  if (e instanceof WeChatStatusError) return `http_${e.httpStatus}`;
  if (e instanceof WeChatTimeoutError) return 'timeout';
  if (e instanceof WeChatTransportError) return 'unreachable';
  return 'bad_body';
}

export interface WeChatRequest<T> {
  method: 'GET' | 'POST';
  /** Endpoint path, e.g. `/sns/jscode2session`. */
  path: string;
  query?: Readonly<Record<string, string>>;
  /** JSON body (POST only). */
  body?: Readonly<Record<string, unknown>>;
  /** Validates a success body (errcode absent or 0). */
  schema: z.ZodType<T>;
  /**
   * Also retry transport failures, timeouts and 5xx. Default false: the request may have reached WeChat,
   * and a repeated one-shot code would come back 40163 and hide the real answer.
   */
  retryTransport?: boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function nonNegative(name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new TypeError(`WeChatHttp: ${name} must be a number >= ${min}`);
  return v;
}

function parseBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string') throw new TypeError('WeChatHttp: baseUrl must be a string');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('WeChatHttp: baseUrl is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('WeChatHttp: baseUrl must be http(s)');
  if (url.search || url.hash) throw new TypeError('WeChatHttp: baseUrl must not have a query or hash');
  return url.href.replace(/\/+$/, '');
}

/**
 * HTTP client for WeChat's JSON APIs. Options are checked and frozen on construction.
 * @example
 *   const http = new WeChatHttp({ baseUrl: 'https://api.weixin.qq.com' });
 *   const r = await http.request({ method: 'GET', path: '/cgi-bin/token', query, schema });
 */
export class WeChatHttp {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retry: Readonly<RetryOptions>;
  readonly #fetch: HttpTransport;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #observe: WeChatCallObserver | undefined;

  constructor(options: WeChatHttpOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('WeChatHttp: options are required');
    this.baseUrl = parseBaseUrl(options.baseUrl);
    this.timeoutMs = nonNegative('timeoutMs', options.timeoutMs ?? 5000, 1);
    const attempts = nonNegative('retry.attempts', options.retry?.attempts ?? 3, 1);
    if (!Number.isInteger(attempts)) throw new TypeError('WeChatHttp: retry.attempts must be an integer');
    const baseDelayMs = nonNegative('retry.baseDelayMs', options.retry?.baseDelayMs ?? 200);
    const maxDelayMs = nonNegative('retry.maxDelayMs', options.retry?.maxDelayMs ?? 2000, baseDelayMs);
    this.retry = Object.freeze({ attempts, baseDelayMs, maxDelayMs });
    const f = options.fetch ?? createUndiciTransport();
    if (typeof f !== 'function') throw new TypeError('WeChatHttp: fetch must be a function');
    this.#fetch = f;
    const s = options.sleep ?? defaultSleep;
    if (typeof s !== 'function') throw new TypeError('WeChatHttp: sleep must be a function');
    this.#sleep = s;
    if (options.observe !== undefined && typeof options.observe !== 'function') throw new TypeError('WeChatHttp: observe must be a function');
    this.#observe = options.observe;
    Object.freeze(this);
  }

  /** Sends the request, retrying as configured; resolves with the schema's output or throws a WeChat*Error. */
  async request<T>(req: WeChatRequest<T>): Promise<T> {
    if (req.method !== 'GET' && req.method !== 'POST') throw new TypeError('WeChatHttp: method must be GET or POST');
    if (typeof req.path !== 'string' || !req.path.startsWith('/')) throw new TypeError('WeChatHttp: path must start with /');
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.#once(req);
        this.#observe?.({ path: req.path, errcode: '0' });
        return answer;
      } catch (e) {
        this.#observe?.({ path: req.path, errcode: outcomeOf(e) });
        if (attempt >= this.retry.attempts || !isRetryable(e, req.retryTransport === true)) throw e;
        await this.#sleep(Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  async #once<T>(req: WeChatRequest<T>): Promise<T> {
    const endpoint: EndpointRef = { method: req.method, path: req.path };
    const redact = redactor(req.query, req.body);
    const url = new URL(this.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(url, {
        method: req.method,
        headers: req.method === 'POST' ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
        ...(req.method === 'POST' ? { body: JSON.stringify(req.body ?? {}) } : {}),
        signal: controller.signal,
        redirect: 'manual',
      });
      status = res.status;
      if (status < 200 || status > 299) {
        await res.body?.cancel().catch(() => undefined);
        throw new WeChatStatusError(endpoint, status);
      }
      text = await res.text();
    } catch (e) {
      if (e instanceof WeChatStatusError) throw e;
      if (timedOut) throw new WeChatTimeoutError(endpoint, this.timeoutMs);
      throw new WeChatTransportError(endpoint, transportReason(e), safeCause(e, redact));
    } finally {
      clearTimeout(timer);
    }
    return parseBody(endpoint, text, req.schema, redact);
  }
}

function isRetryable(e: unknown, retryTransport: boolean): boolean {
  if (e instanceof WeChatApiError) return RETRYABLE_ERRCODES.includes(e.wechat.errcode);
  if (!retryTransport) return false;
  if (e instanceof WeChatStatusError) return e.httpStatus >= 500;
  return e instanceof WeChatTransportError || e instanceof WeChatTimeoutError;
}

function parseBody<T>(endpoint: EndpointRef, text: string, schema: z.ZodType<T>, redact: (s: string) => string): T {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WeChatBodyError(endpoint, 'not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WeChatBodyError(endpoint, 'not a JSON object');
  const { errcode, errmsg } = body as { errcode?: unknown; errmsg?: unknown };
  if (errcode !== undefined && errcode !== null) {
    // Some endpoints have sent errcode as a string (wechatpy coerces with int()).
    const n = typeof errcode === 'number' || (typeof errcode === 'string' && /^\s*-?\d+\s*$/.test(errcode)) ? Number(errcode) : NaN;
    if (!Number.isInteger(n)) throw new WeChatBodyError(endpoint, 'errcode is not an integer');
    if (n !== 0) throw new WeChatApiError(endpoint, { errcode: n, errmsg: redact(typeof errmsg === 'string' ? errmsg : '') });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    // Paths and issue kinds only: never the received values.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`);
    throw new WeChatBodyError(endpoint, 'schema mismatch', issues);
  }
  return parsed.data;
}
