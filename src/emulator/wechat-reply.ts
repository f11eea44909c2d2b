/**
 * How WeChat answers: always JSON (even errors are HTTP 200), `Content-Type: application/json; encoding=utf-8`,
 * errors as `{ errcode, errmsg: "<text>, rid: xxxxxxxx-xxxxxxxx-xxxxxxxx" }` (docs/wechat-api.md §0, §8;
 * global return codes: https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
 */
import type { FastifyReply } from 'fastify';
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

export const WECHAT_CONTENT_TYPE = 'application/json; encoding=utf-8';

/** The errmsg texts WeChat sends for the codes the emulator produces. */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = Object.freeze({
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41009: 'missing openid',
  42001: 'access_token expired',
  42002: 'refresh_token expired',
  43002: 'require POST method',
  44002: 'empty post data',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  87008: 'invalid sig_method',
  87009: 'invalid signature',
  89002: 'open not exists',
  89300: 'invalid trade',
});

export interface WeChatErrorBody {
  errcode: number;
  errmsg: string;
}

export interface WeChatReplier {
  /** Send a success body as WeChat does (HTTP 200 unless told). */
  ok(reply: FastifyReply, body: object, status?: number): FastifyReply;
  /** Send `{errcode, errmsg}`; errmsg defaults to the table text plus a fresh rid. */
  error(reply: FastifyReply, errcode: number, options?: { errmsg?: string | undefined; status?: number | undefined }): FastifyReply;
  /** The body `error()` would send. */
  errorBody(errcode: number, errmsg?: string): WeChatErrorBody;
  /** Send a raw text body with WeChat's JSON content type (for faults: truncated or invalid JSON). */
  raw(reply: FastifyReply, text: string, status?: number): FastifyReply;
}

/** A replier whose rids use the virtual clock and the injected randomness. */
export function createWeChatReplier(ids: IdMinter, clock: Clock): WeChatReplier {
  const errorBody = (errcode: number, errmsg?: string): WeChatErrorBody => ({
    errcode,
    errmsg: errmsg ?? `${WECHAT_ERRMSG[errcode] ?? 'system error'}, rid: ${ids.rid(clock.now())}`,
  });
  const raw = (reply: FastifyReply, text: string, status = 200): FastifyReply =>
    // A Buffer, so Fastify sends the header exactly as WeChat does (a string would get "; charset=utf-8" appended).
    reply.code(status).header('content-type', WECHAT_CONTENT_TYPE).send(Buffer.from(text, 'utf8'));
  return Object.freeze({
    ok: (reply: FastifyReply, body: object, status = 200) => raw(reply, JSON.stringify(body), status),
    error: (reply: FastifyReply, errcode: number, o: { errmsg?: string | undefined; status?: number | undefined } = {}) =>
      raw(reply, JSON.stringify(errorBody(errcode, o.errmsg)), o.status ?? 200),
    errorBody,
    raw,
  });
}

/** The first value of a query parameter; '' counts as missing (WeChat treats empty and absent alike). */
export function queryParam(query: unknown, name: string): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const v = (query as Record<string, unknown>)[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first !== '' ? first : undefined;
}
