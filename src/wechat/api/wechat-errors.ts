/**
 * One class per way a WeChat call can fail (after arctic's `request.ts`), all `AppError`s with stable codes.
 * None of them ever carries a URL query, a secret, a code or a token: only the endpoint path.
 */
import { AppError, type WeChatErrorDetail } from '../../errors.js';
import { errcodeAdvice, errcodeToErrorCode } from './errcodes.js';

/** Where the failure happened, e.g. `GET /sns/jscode2session` (never the query). */
export interface EndpointRef {
  method: 'GET' | 'POST';
  path: string;
}

const where = (e: EndpointRef): string => `${e.method} ${e.path}`;

/**
 * HTTP 200 with a non-zero `errcode`. `code` is mapped from the errcode (errcodes.ts); `wechat` keeps
 * `{ errcode, errmsg }` (errmsg with any value we sent redacted).
 * @example
 *   if (e instanceof WeChatApiError && e.wechat.errcode === 40163) { … }
 */
export class WeChatApiError extends AppError {
  declare readonly wechat: WeChatErrorDetail;

  constructor(endpoint: EndpointRef, wechat: WeChatErrorDetail) {
    // The catalogue message is kept: for 4xx codes (40029, 40163…) it is what the client reads. Quota and IP
    // whitelist failures say what the operator has to do instead.
    const advice = errcodeAdvice(wechat.errcode);
    super(errcodeToErrorCode(wechat.errcode), {
      ...(advice ? { message: advice } : {}),
      wechat,
      details: { endpoint: where(endpoint) },
    });
    this.name = 'WeChatApiError';
  }
}

/** WeChat could not be reached, or the connection broke before a whole answer arrived. */
export class WeChatTransportError extends AppError {
  constructor(endpoint: EndpointRef, reason: string, cause?: unknown) {
    super('ERR_WECHAT_UNREACHABLE', {
      message: `WeChat ${where(endpoint)} could not be reached (${reason}).`,
      details: { endpoint: where(endpoint), reason },
      cause,
    });
    this.name = 'WeChatTransportError';
  }
}

/** A non-2xx HTTP status. */
export class WeChatStatusError extends AppError {
  constructor(
    endpoint: EndpointRef,
    readonly httpStatus: number,
  ) {
    super('ERR_WECHAT_HTTP_STATUS', {
      message: `WeChat ${where(endpoint)} answered HTTP ${httpStatus}.`,
      details: { endpoint: where(endpoint), status: httpStatus },
    });
    this.name = 'WeChatStatusError';
  }
}

/** The body is not JSON, not an object, or does not fit the endpoint's response schema. */
export class WeChatBodyError extends AppError {
  constructor(endpoint: EndpointRef, reason: string, issues?: readonly string[]) {
    super('ERR_WECHAT_BAD_RESPONSE', {
      message: `WeChat ${where(endpoint)} answered an unexpected body (${reason}).`,
      details: { endpoint: where(endpoint), reason, ...(issues ? { issues: [...issues] } : {}) },
    });
    this.name = 'WeChatBodyError';
  }
}

/** No complete answer within `timeoutMs`. */
export class WeChatTimeoutError extends AppError {
  constructor(endpoint: EndpointRef, timeoutMs: number) {
    super('ERR_WECHAT_TIMEOUT', {
      message: `WeChat ${where(endpoint)} did not answer within ${timeoutMs} ms.`,
      details: { endpoint: where(endpoint), timeoutMs },
    });
    this.name = 'WeChatTimeoutError';
  }
}
