/**
 * A `wx` for tests, backed by the weunion WeChat emulator over HTTP: `login` mints a real emulator code
 * for a person, `getUserInfo`/`getUserProfile` return data sealed with that person's current
 * session_key, `request` uses fetch and storage is an in-memory Map. The one SDK file that may use
 * Node's global fetch; it is never called inside a real mini program.
 */
import type { WxCallbacks, WxError, WxLike, WxRequestOptions, WxUserData } from '../wx-like.js';

export interface EmulatorWxOptions {
  /** Base URL of the emulator, e.g. the `emulatorUrl` of a started stack. */
  emulatorUrl: string;
  /** The mini program this `wx` runs inside. */
  appid: string;
  /** The emulator person id (from `POST /__emulator/persons`). */
  person: string;
  /** Backing map for wx storage; pass one to inspect it or share it between two `wx`s. */
  storage?: Map<string, unknown>;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** A WxLike with the storage map exposed for assertions. */
export interface EmulatorWx extends WxLike {
  getUserInfo(options: WxCallbacks<WxUserData> & { withCredentials?: boolean; lang?: string }): void;
  getUserProfile(options: WxCallbacks<WxUserData> & { desc: string; lang?: string }): void;
  readonly storage: Map<string, unknown>;
}

/**
 * Creates a `wx` for one person inside one mini program of the emulator.
 * @example
 *   const personId = await stack.createPerson();
 *   const wx = createEmulatorWx({ emulatorUrl: stack.emulatorUrl, appid: stack.apps.mp1, person: personId });
 *   const client = createMiniProgramClient({ baseUrl: stack.serverUrl, appid: stack.apps.mp1, wx });
 */
export function createEmulatorWx(options: EmulatorWxOptions): EmulatorWx {
  const { appid, person } = options;
  if (typeof options.emulatorUrl !== 'string' || options.emulatorUrl === '') throw new TypeError('emulatorUrl is required');
  if (typeof appid !== 'string' || appid === '') throw new TypeError('appid is required');
  if (typeof person !== 'string' || person === '') throw new TypeError('person is required');
  const base = options.emulatorUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const storage = options.storage ?? new Map<string, unknown>();

  /** POST to the emulator's wx side; resolves `{ status, body }` or rejects on transport failure. */
  async function emulator(path: string): Promise<{ status: number; body: unknown }> {
    const res = await doFetch(`${base}/__emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appid, person }),
    });
    const text = await res.text();
    return { status: res.status, body: parseJson(text) };
  }

  function settle<T>(cb: WxCallbacks<T>, work: () => Promise<{ ok: true; value: T } | { ok: false; err: WxError }>): void {
    work()
      .catch((e: unknown) => ({ ok: false as const, err: { errMsg: `fail ${e instanceof Error ? e.message : String(e)}` } }))
      .then((r) => {
        if (r.ok) cb.success?.(r.value);
        else cb.fail?.(r.err);
        cb.complete?.();
      });
  }

  function userData(api: 'getUserInfo' | 'getUserProfile', cb: WxCallbacks<WxUserData>): void {
    settle(cb, async () => {
      const { status, body } = await emulator('wx.getUserInfo');
      // The emulator answers 403 for a person who declines, as the real consent sheet would.
      if (status === 403) return { ok: false, err: { errMsg: `${api}:fail auth deny` } };
      if (status < 200 || status >= 300) return { ok: false, err: { errMsg: `${api}:fail HTTP ${status}` } };
      return { ok: true, value: { ...(body as WxUserData), errMsg: `${api}:ok` } };
    });
  }

  return {
    storage,
    login(cb) {
      settle(cb, async () => {
        const { status, body } = await emulator('wx.login');
        const code = (body as { code?: unknown } | null)?.code;
        if (status !== 200 || typeof code !== 'string') return { ok: false, err: { errMsg: `login:fail HTTP ${status}` } };
        return { ok: true, value: { code, errMsg: 'login:ok' } };
      });
    },
    getUserInfo(cb) {
      userData('getUserInfo', cb);
    },
    getUserProfile(cb) {
      userData('getUserProfile', cb);
    },
    request(req: WxRequestOptions) {
      settle(req, async () => {
        const method = req.method ?? 'GET';
        let url = req.url;
        let body: string | undefined;
        if (method === 'GET' || method === 'HEAD') {
          // Like wx.request: GET data becomes the query string.
          if (req.data && typeof req.data === 'object') {
            const q = new URLSearchParams(Object.entries(req.data as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]));
            url += (url.includes('?') ? '&' : '?') + q.toString();
          }
        } else if (req.data !== undefined) {
          body = typeof req.data === 'string' ? req.data : JSON.stringify(req.data);
        }
        const headers: Record<string, string> = { ...req.header };
        if (body === undefined) for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
        const res = await doFetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
        const text = await res.text();
        return {
          ok: true,
          value: { statusCode: res.status, data: parseJson(text), header: Object.fromEntries(res.headers.entries()) },
        };
      });
    },
    // Like wx: a missing key reads as '', and values are stored as copies.
    getStorageSync(key) {
      return storage.has(key) ? structuredClone(storage.get(key)) : '';
    },
    setStorageSync(key, value) {
      storage.set(key, structuredClone(value));
    },
    removeStorageSync(key) {
      storage.delete(key);
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
