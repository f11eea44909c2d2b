/**
 * A browser's cookies for tests that play one: `jar.fetch` stores what `set-cookie` answers set (name=value, expiry by
 * Max-Age=0 only) and sends them back on every later request, to any path — enough for weunion's cookies, which are
 * HttpOnly and path-scoped under /v1/.
 */
export interface CookieJar {
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  /** The Cookie header the jar would send. */
  header(): string;
}

export function createCookieJar(): CookieJar {
  const cookies = new Map<string, string>();
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    header,
    async fetch(url, init = {}) {
      const headers = new Headers(init.headers);
      if (cookies.size > 0) headers.set('cookie', header());
      const res = await fetch(url, { ...init, headers });
      for (const line of res.headers.getSetCookie()) {
        const [pair = '', ...attrs] = line.split(';');
        const eq = pair.indexOf('=');
        if (eq <= 0) continue;
        const name = pair.slice(0, eq).trim();
        if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) cookies.delete(name);
        else cookies.set(name, pair.slice(eq + 1).trim());
      }
      return res;
    },
  };
}
