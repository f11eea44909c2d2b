/** Test harness: a real emulator on 127.0.0.1:0 driven with fetch. */
import { ManualClock } from '../../src/clock.js';
import { createEmulator, type Emulator, type EmulatorApp, type EmulatorOptions } from '../../src/emulator/index.js';

export const MINI: EmulatorApp = { appid: 'wxmini0000000001', secret: 'mini-secret', kind: 'miniprogram', openAppid: 'wxopen000000001' };
export const MINI2: EmulatorApp = { appid: 'wxmini0000000002', secret: 'mini2-secret', kind: 'miniprogram', openAppid: 'wxopen000000001' };
export const MINI_UNBOUND: EmulatorApp = { appid: 'wxminiunbound001', secret: 'unbound-secret', kind: 'miniprogram', openAppid: null };
export const OA: EmulatorApp = { appid: 'wxoa000000000001', secret: 'oa-secret', kind: 'officialAccount', openAppid: 'wxopen000000001' };
export const WEB: EmulatorApp = { appid: 'wxweb00000000001', secret: 'web-secret', kind: 'website', openAppid: 'wxopen000000001' };
export const OA_OTHER: EmulatorApp = { appid: 'wxoaother0000001', secret: 'oa-other-secret', kind: 'officialAccount', openAppid: 'wxopen000000002' };
export const MOBILE: EmulatorApp = { appid: 'wxapp00000000001', secret: 'app-secret', kind: 'mobile', openAppid: 'wxopen000000001' };
export const OA_UNBOUND: EmulatorApp = { appid: 'wxoaunbound00001', secret: 'oa-unbound-secret', kind: 'officialAccount', openAppid: null };
/** An official account set up for pushes (Token + EncodingAESKey → safe mode by default; no callback URL yet). */
export const OA_PUSH: EmulatorApp = {
  appid: 'wxoapush00000001',
  secret: 'oa-push-secret',
  kind: 'officialAccount',
  openAppid: 'wxopen000000001',
  token: 'pushtoken',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  originalId: 'gh_0123456789ab',
};
export const ALL_APPS = [MINI, MINI2, MINI_UNBOUND, OA, WEB, OA_OTHER, MOBILE, OA_UNBOUND, OA_PUSH];

export interface HttpResult {
  status: number;
  contentType: string | null;
  text: string;
  json: any;
}

export interface Harness {
  emu: Emulator;
  base: string;
  get(path: string, query?: Record<string, string | undefined>): Promise<HttpResult>;
  send(method: string, path: string, body?: unknown): Promise<HttpResult>;
  post(path: string, body?: unknown): Promise<HttpResult>;
  /** Creates a person and returns its id. */
  person(init?: Record<string, unknown>): Promise<string>;
  /** wx.login → code. */
  login(appid: string, person: string): Promise<string>;
  /** jscode2session with the app's right secret unless overridden. */
  exchange(app: EmulatorApp, code: string, secret?: string): Promise<HttpResult>;
  token(app: EmulatorApp): Promise<string>;
  advance(seconds: number): Promise<void>;
  close(): Promise<void>;
}

async function read(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, json };
}

/** 2023-11-14T22:13:20Z, frozen: virtual time moves only when a test advances it. */
export const T0 = 1_700_000_000_000;

export async function startEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const emu = createEmulator({ apps: ALL_APPS, clock: new ManualClock({ now: () => T0 }), ...overrides });
  const base = await emu.listen();
  const get = async (path: string, query: Record<string, string | undefined> = {}): Promise<HttpResult> => {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    return read(await fetch(`${base}${path}${qs.size > 0 ? `?${qs}` : ''}`));
  };
  const send = async (method: string, path: string, body?: unknown): Promise<HttpResult> =>
    read(
      await fetch(`${base}${path}`, {
        method,
        // A control POST is JSON even without a body (control-guard.ts); WeChat's own routes do not care.
        ...(body === undefined
          ? method === 'POST'
            ? { headers: { 'content-type': 'application/json' } }
            : {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      }),
    );
  const post = (path: string, body?: unknown): Promise<HttpResult> => send('POST', path, body);
  const h: Harness = {
    emu,
    base,
    get,
    send,
    post,
    async person(init = {}) {
      const r = await post('/__emulator/persons', init);
      if (r.status !== 201) throw new Error(`person create failed: ${r.text}`);
      return r.json.id as string;
    },
    async login(appid, person) {
      const r = await post('/__emulator/wx.login', { appid, person });
      if (r.status !== 200) throw new Error(`wx.login failed: ${r.text}`);
      return r.json.code as string;
    },
    exchange: (app, code, secret = app.secret) => get('/sns/jscode2session', { appid: app.appid, secret, js_code: code, grant_type: 'authorization_code' }),
    async token(app) {
      const r = await get('/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret });
      if (typeof r.json?.access_token !== 'string') throw new Error(`token failed: ${r.text}`);
      return r.json.access_token as string;
    },
    async advance(seconds) {
      const r = await post('/__emulator/clock', { advanceSeconds: seconds });
      if (r.status !== 200) throw new Error(`clock failed: ${r.text}`);
    },
    close: () => emu.close(),
  };
  return h;
}

/** `<text>, rid: xxxxxxxx-xxxxxxxx-xxxxxxxx` */
export const RID = /, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
