/**
 * The text stored as a job's `last_error` and logged: what failed, never what the job carried. Only an error's
 * code, message and WeChat errcode are used (a payload is never part of it), and anything shaped like a credential
 * in a URL query is masked in case a library put a request URL in its message.
 */
import { AppError } from '../errors.js';
import { PermanentJobError } from './permanent-job-error.js';

const MAX_LENGTH = 500;
/** Query parameters WeChat URLs carry secrets in. */
const SECRET_PARAMS = /\b(access_token|secret|appsecret|session_key|js_code|code|refresh_token|component_access_token|ticket)=[^&\s"']*/gi;

/**
 * A short, secret-free description of a thrown value.
 * @example
 *   describeJobError(new AppError('ERR_WECHAT_BUSY')); // 'ERR_WECHAT_BUSY: WeChat is busy (-1); retry later.'
 */
export function describeJobError(e: unknown): string {
  return cut(mask(describe(e, 0)));
}

function describe(e: unknown, depth: number): string {
  if (e instanceof AppError) {
    const errcode = e.wechat ? ` [errcode ${e.wechat.errcode}]` : '';
    // WeChat errors name the endpoint (never its query): which call failed is what an operator needs.
    const endpoint = typeof e.details?.endpoint === 'string' ? ` (${e.details.endpoint})` : '';
    return `${e.code}: ${e.message}${errcode}${endpoint}`;
  }
  if (e instanceof PermanentJobError) {
    const cause = depth < 2 && e.cause !== undefined ? ` (cause: ${describe(e.cause, depth + 1)})` : '';
    return `permanent: ${e.message}${cause}`;
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === 'string' ? code : e.name}: ${e.message}`;
  }
  return `non-error thrown: ${typeof e}`;
}

function mask(text: string): string {
  return text.replace(SECRET_PARAMS, '$1=***');
}

function cut(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
