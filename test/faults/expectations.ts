/**
 * The faults of the matrix (each injected with the emulator's count-based `POST /__emulator/faults`) and what the
 * design says weunion answers for each, per endpoint (docs/errors.md; src/wechat/api/request.ts for retries,
 * src/wechat/tokens/access-token.ts for the token refetch).
 */
import type { Driver } from './drivers.js';

/** The stack's `wechat.timeoutMs`: the 3 s delay is then a timeout, and a healthy call fits even on a loaded machine. */
export const MATRIX_TIMEOUT_MS = 1000;

export type FaultKind = 'busy-once' | 'busy-always' | 'token-invalid' | 'quota' | 'minute-quota' | 'http-500' | 'bad-json' | 'delay' | 'drop';

export interface Fault {
  kind: FaultKind;
  name: string;
  /** The body of `POST /__emulator/faults`, bar `path`. */
  spec: Record<string, unknown>;
}

/** The request layer's attempts for -1 (WeChatHttp's default retry.attempts). */
const BUSY_ATTEMPTS = 3;

export const FAULTS: Fault[] = [
  { kind: 'busy-once', name: 'errcode -1 once', spec: { errcode: -1, count: 1 } },
  { kind: 'busy-always', name: 'errcode -1 on every attempt', spec: { errcode: -1, count: BUSY_ATTEMPTS } },
  { kind: 'token-invalid', name: 'errcode 40001', spec: { errcode: 40001, count: 1 } },
  { kind: 'quota', name: 'errcode 45009', spec: { errcode: 45009, count: 1 } },
  { kind: 'minute-quota', name: 'errcode 45011', spec: { errcode: 45011, count: 1 } },
  { kind: 'http-500', name: 'HTTP 500', spec: { status: 500, count: 1 } },
  { kind: 'bad-json', name: 'invalid JSON', spec: { body: '{"errcode":0,"access_token":"x", tru', count: 1 } },
  { kind: 'delay', name: '3 s delay', spec: { delayMs: 3000, count: 1 } },
  { kind: 'drop', name: 'dropped connection', spec: { drop: true, count: 1 } },
];

export type Expected =
  /** The route answers as if nothing happened, after `calls` calls to the endpoint. */
  | { ok: true; calls: number; why: string }
  /** The route answers this typed error; `errcode` is WeChat's, kept in `error.wechat`. */
  | { ok: false; calls: number; status: number; code: string; errcode?: number };

/** What the design promises for `fault` on `driver`'s endpoint. */
export function expected(driver: Driver, fault: Fault): Expected {
  const retried = (why: string): Expected => ({ ok: true, calls: 2, why });
  let failure: Expected;
  switch (fault.kind) {
    case 'busy-once':
      return retried('-1 is retried');
    case 'busy-always':
      failure = { ok: false, calls: BUSY_ATTEMPTS, status: 503, code: 'ERR_WECHAT_BUSY', errcode: -1 };
      break;
    case 'token-invalid':
      if (driver.takesToken) return retried('40001: the token is refetched once');
      failure = { ok: false, calls: 1, status: 502, code: 'ERR_WECHAT_API', errcode: 40001 };
      break;
    case 'quota':
      failure = { ok: false, calls: 1, status: 503, code: 'ERR_WECHAT_QUOTA', errcode: 45009 };
      break;
    case 'minute-quota':
      failure = { ok: false, calls: 1, status: 429, code: 'ERR_WECHAT_RATE_LIMITED', errcode: 45011 };
      break;
    case 'http-500':
      if (driver.retriesTransport) return retried('a 5xx of a repeatable call is retried');
      failure = { ok: false, calls: 1, status: 502, code: 'ERR_WECHAT_HTTP_STATUS' };
      break;
    case 'bad-json':
      failure = { ok: false, calls: 1, status: 502, code: 'ERR_WECHAT_BAD_RESPONSE' };
      break;
    case 'delay':
      if (driver.retriesTransport) return retried('a timeout of a repeatable call is retried');
      failure = { ok: false, calls: 1, status: 503, code: 'ERR_WECHAT_TIMEOUT' };
      break;
    case 'drop':
      if (driver.retriesTransport) return retried('a dropped repeatable call is retried');
      failure = { ok: false, calls: 1, status: 503, code: 'ERR_WECHAT_UNREACHABLE' };
      break;
  }
  if (driver.failureAnswer) return { ok: false, calls: failure.calls, ...driver.failureAnswer };
  return failure;
}
