/**
 * Where a browser login may send the person back to. An open redirect here would hand one-time login codes to
 * whoever wrote the link, so every check is done on the URL as a browser parses it (WHATWG URL), never on the raw
 * string: the scheme, host and port must equal an allow-list entry's, the path must start with the entry's path at
 * a segment boundary, and a `user:pass@` part is refused outright (`https://good.example@evil.example/` tricks
 * readers, and `https://evil@good.example/` has no legitimate use). The caller redirects to the *normalised* URL
 * returned here, so the browser goes exactly where the check looked.
 *
 * The browser does not resolve what is percent-encoded, but the page's server may: `/login/..%2fadmin` passes the
 * prefix `/login` and becomes `/admin` behind it. So a path segment that decodes (once or repeatedly) to `.` or `..`
 * or to something with a `/` or `\`, or whose percent-encoding does not decode at all (`%c0%ae`, an overlong `.`
 * some servers accept), is refused: no legitimate redirect needs one.
 * https://datatracker.ietf.org/doc/html/rfc3986#section-3.3 (a `/` inside a segment must be encoded, and is data)
 */
import { AppError } from '../../errors.js';

/** Longer redirect URLs are refused (browsers and WeChat truncate long Location headers anyway). */
export const MAX_REDIRECT_LENGTH = 2048;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** True when some decoding of `segment` is a dot-segment or holds a (back)slash, or it does not decode. */
function hidesTraversal(segment: string): boolean {
  let text = segment;
  for (let round = 0; round < 4; round++) {
    if (text === '.' || text === '..' || text.includes('/') || text.includes('\\')) return true;
    if (!text.includes('%')) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return true;
    }
    if (decoded === text) return false;
    text = decoded;
  }
  return true; // still encoded after four rounds: nobody writes that
}

/** True when `path` equals `prefix` or continues it after a `/` (so `/app` admits `/app/x`, not `/apple`). */
function pathHasPrefix(path: string, prefix: string): boolean {
  if (prefix === '' || prefix === '/') return true;
  if (prefix.endsWith('/')) return path.startsWith(prefix);
  return path === prefix || path.startsWith(`${prefix}/`);
}

function entryAdmits(entry: URL, target: URL): boolean {
  if (entry.protocol !== target.protocol || entry.hostname !== target.hostname) return false;
  // RFC 8252 §7.3: a loopback redirect may use any port (dev servers pick one at random). An entry that names a
  // port still pins it; elsewhere the port (default or explicit) must match exactly.
  const anyPort = LOOPBACK_HOSTS.has(entry.hostname) && entry.port === '';
  if (!anyPort && entry.port !== target.port) return false;
  return pathHasPrefix(target.pathname, entry.pathname);
}

/**
 * The parsed, normalised redirect URL when `redirect` is admitted by one of the `allowList` prefixes; otherwise
 * ERR_OAUTH_REDIRECT_NOT_ALLOWED (the message never echoes the URL).
 * @example
 *   requireAllowedRedirect('https://shop.example/login/done?x=1', ['https://shop.example/login']).href
 *   // 'https://shop.example/login/done?x=1'
 */
export function requireAllowedRedirect(redirect: string, allowList: readonly string[]): URL {
  const target = redirect.length <= MAX_REDIRECT_LENGTH ? parse(redirect) : null;
  if (!target || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
    throw new AppError('ERR_OAUTH_REDIRECT_NOT_ALLOWED', { message: 'The redirect must be an absolute http(s) URL.' });
  }
  if (target.username !== '' || target.password !== '') {
    throw new AppError('ERR_OAUTH_REDIRECT_NOT_ALLOWED', { message: 'The redirect URL must not contain a user name or password.' });
  }
  if (target.pathname.split('/').some(hidesTraversal)) {
    throw new AppError('ERR_OAUTH_REDIRECT_NOT_ALLOWED', {
      message: 'The redirect path must not hide an encoded slash, backslash or dot-segment (or malformed percent-encoding).',
    });
  }
  if (allowList.length === 0) {
    throw new AppError('ERR_OAUTH_REDIRECT_NOT_ALLOWED', { message: 'This app has an empty redirectAllowList: no redirect is allowed.' });
  }
  for (const text of allowList) {
    const entry = parse(text);
    if (entry && entryAdmits(entry, target)) return target;
  }
  throw new AppError('ERR_OAUTH_REDIRECT_NOT_ALLOWED');
}

/**
 * The URL the browser is finally sent to: `redirect` with either `code` (a one-time login code) or `error` (an
 * error code) in its query. The page's own parameters are kept; a `code`/`error` it carried is replaced, so the
 * page never sees both.
 * @example
 *   redirectWithOutcome(new URL('https://a.example/done?x=1#top'), { code: 'abc' }) // 'https://a.example/done?x=1&code=abc#top'
 */
export function redirectWithOutcome(redirect: URL, outcome: { code: string } | { error: string }): string {
  const url = new URL(redirect.href);
  url.searchParams.delete('code');
  url.searchParams.delete('error');
  if ('code' in outcome) url.searchParams.set('code', outcome.code);
  else url.searchParams.set('error', outcome.error);
  return url.href;
}
