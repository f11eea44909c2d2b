/**
 * One driver per upstream WeChat endpoint weunion calls: how to reach that endpoint through a weunion route (with
 * what preparation), and what the route answers when WeChat behaves. The fault matrix injects each fault on
 * `path` and compares the route's answer with the expectation (expectations.ts).
 */
import { createUndiciTransport, type HttpTransport } from '../../src/wechat/api/http-transport.js';
import type { PushRecord } from '../../src/emulator/push-record.js';
import { login, personView, wxUserData } from '../helpers/login-flows.js';
import type { Stack, StackOptions } from '../helpers/stack.js';
import { listJobs, type JobView } from './db-digest.js';

export interface Answer {
  status: number;
  body: any;
}

export interface Driver {
  /** The WeChat endpoint, as the emulator's fault registry matches it. */
  path: string;
  /** The weunion route (or job) that calls it, for the test names. */
  via: string;
  /** Called through the access_token manager: 40001 invalidates the token, refetches it once and retries. */
  takesToken: boolean;
  /** Request layer retries transport failures, timeouts and 5xx (`retryTransport: true` in src/wechat/api/). */
  retriesTransport: boolean;
  /**
   * What the route answers whenever this call fails, instead of the call's own error (checksession: a key that
   * cannot be checked is treated as stale, open-user-data.ts).
   */
  failureAnswer?: { status: number; code: string };
  /** The endpoint runs in a durable job: a failure leaves the job pending, to complete after its backoff. */
  job?: boolean;
  stack?: StackOptions;
  /** Per-case preparation (a person, a login, a code…); its result is handed to `act`. */
  prepare(stack: Stack): Promise<any>;
  /** Drives the route once. */
  act(stack: Stack, ctx: any): Promise<Answer>;
  /** Asserts the answer of a healthy call (throws otherwise). */
  expectHealthy(stack: Stack, answer: Answer, ctx: any): Promise<void>;
}

function must(cond: unknown, what: string, answer?: unknown): asserts cond {
  if (!cond) throw new Error(`${what}: ${JSON.stringify(answer)}`);
}

/** A person logged in to mp1 by openid only (legacy rule, no follow yet). */
async function openidSession(stack: Stack) {
  const person = await stack.createPerson();
  const r = await login(stack, stack.apps.mp1, person);
  must(r.status === 200 && r.body.unionid === null, 'openid-only login', r);
  return { person, token: r.body.token as string, openid: r.body.openid as string };
}

const qrLogin = (stack: Stack) => stack.api(`/v1/oa/${stack.apps.oa}/qr-login`, {});
async function qrLoginHealthy(_stack: Stack, a: Answer) {
  must(a.status === 200 && typeof a.body.id === 'string' && typeof a.body.qrUrl === 'string', 'a QR login', a);
}

async function appLogin(stack: Stack, person: string) {
  const { code } = await stack.control<{ code: string }>('/__emulator/app.login', { appid: stack.apps.app, person });
  return stack.api(`/v1/app/${stack.apps.app}/login`, { code });
}
async function appLoginHealthy(_stack: Stack, a: Answer) {
  must(a.status === 200 && typeof a.body.userId === 'string' && typeof a.body.unionid === 'string', 'an app login with a unionid', a);
}

/**
 * A transport that drops `unionid` from WeChat's sns/oauth2/access_token answers (as WeChat does for some grants),
 * so weunion has to ask sns/userinfo for it.
 */
function withoutOAuthUnionid(): HttpTransport {
  const inner = createUndiciTransport();
  return async (url, init) => {
    const res = await inner(url, init);
    if (url.pathname !== '/sns/oauth2/access_token' || res.status !== 200) return res;
    const text = await res.text();
    let out = text;
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      delete body.unionid;
      out = JSON.stringify(body);
    } catch {
      // a fault's unreadable body goes through as it is
    }
    return { status: res.status, text: async () => out };
  };
}

export const DRIVERS: Driver[] = [
  {
    path: '/sns/jscode2session',
    via: 'POST /v1/mp/:appid/login',
    takesToken: false,
    retriesTransport: false,
    prepare: (stack) => stack.createPerson(),
    act: (stack, person) => login(stack, stack.apps.mp1, person),
    async expectHealthy(_stack, a) {
      must(a.status === 200 && typeof a.body.token === 'string', 'a login', a);
    },
  },
  {
    path: '/cgi-bin/stable_token',
    via: 'POST /v1/oa/:appid/qr-login (cached token expired)',
    takesToken: false,
    retriesTransport: true,
    async prepare(stack) {
      // Past the cached token's expiry (7200 s): the next token-taking call has to fetch a new one.
      stack.clock.advance(7201);
    },
    act: qrLogin,
    expectHealthy: qrLoginHealthy,
  },
  {
    path: '/wxa/checksession',
    via: 'POST /v1/mp/:appid/unionid (data that does not open)',
    takesToken: true,
    retriesTransport: true,
    failureAnswer: { status: 409, code: 'ERR_SESSION_KEY_STALE' },
    async prepare(stack) {
      const s = await openidSession(stack);
      const data = await wxUserData(stack, stack.apps.mp1, s.person);
      // Flip a bit of the last pad byte: the bytes no longer open, so weunion asks checksession about the key.
      const bytes = Buffer.from(data.encryptedData, 'base64');
      bytes[bytes.length - 17]! ^= 0x40;
      return { ...s, data: { ...data, encryptedData: bytes.toString('base64') } };
    },
    act: (stack, ctx) => stack.api(`/v1/mp/${stack.apps.mp1}/unionid`, ctx.data, { token: ctx.token }),
    async expectHealthy(_stack, a) {
      // checksession said the key is current: the data itself is bad.
      must(a.status === 400 && a.body.error?.code === 'ERR_CRYPTO_DECRYPT', 'checksession answered “current”', a);
    },
  },
  {
    path: '/cgi-bin/user/info',
    via: 'the oa.lookup job behind POST /v1/oa/:appid/callback (subscribe)',
    takesToken: true,
    retriesTransport: true,
    job: true,
    prepare: (stack) => stack.createPerson(),
    async act(stack, person): Promise<Answer> {
      const before = listJobs(stack).length;
      const { pushId } = await stack.control<{ pushId: string }>(`/__emulator/persons/${person}/follow`, { appid: stack.apps.oa });
      const push = await stack.control<PushRecord>(`/__emulator/pushes/${pushId}?wait=1`, undefined, 'GET');
      must(push.attempts[0]?.status === 200 && push.attempts[0].body === 'success', 'the callback answered success at once', push.attempts);
      await stack.runJobs();
      const jobs = listJobs(stack)
        .slice(before)
        .filter((j) => j.kind === 'oa.lookup');
      must(jobs.length === 1, 'one lookup job', jobs);
      return { status: 200, body: { person, job: jobs[0] } };
    },
    async expectHealthy(stack, a) {
      const job = a.body.job as JobView;
      const current = listJobs(stack).find((j) => j.id === job.id)!;
      must(current.status === 'done', 'the lookup job is done', current);
      const view = await personView(stack, a.body.person);
      const identity = await stack.deps.store.identity.findAppIdentity(stack.apps.oa, view.openids[stack.apps.oa]!);
      must(identity && identity.unionid === Object.values(view.unionids)[0], 'the follower is linked by unionid', identity);
    },
  },
  {
    path: '/cgi-bin/qrcode/create',
    via: 'POST /v1/oa/:appid/qr-login',
    takesToken: true,
    retriesTransport: true,
    prepare: async () => undefined,
    act: qrLogin,
    expectHealthy: qrLoginHealthy,
  },
  {
    path: '/sns/oauth2/access_token',
    via: 'POST /v1/app/:appid/login',
    takesToken: false,
    retriesTransport: false,
    prepare: (stack) => stack.createPerson(),
    act: appLogin,
    expectHealthy: appLoginHealthy,
  },
  {
    path: '/sns/userinfo',
    via: 'POST /v1/app/:appid/login (token answer without unionid)',
    takesToken: false, // the person's OAuth token, not the app's: nothing to refetch
    retriesTransport: true,
    stack: { fetch: withoutOAuthUnionid() },
    prepare: (stack) => stack.createPerson(),
    act: appLogin,
    expectHealthy: appLoginHealthy,
  },
  {
    path: '/wxa/business/getuserphonenumber',
    via: 'POST /v1/mp/:appid/phone',
    takesToken: true,
    retriesTransport: false,
    async prepare(stack) {
      const s = await openidSession(stack);
      const { code } = await stack.control<{ code: string }>('/__emulator/wx.getPhoneNumber', { appid: stack.apps.mp1, person: s.person });
      return { ...s, code };
    },
    act: (stack, ctx) => stack.api(`/v1/mp/${stack.apps.mp1}/phone`, { code: ctx.code }, { token: ctx.token }),
    async expectHealthy(_stack, a) {
      must(a.status === 200 && typeof a.body.phoneNumber === 'string', 'a phone number', a);
    },
  },
  {
    path: '/wxa/getpaidunionid',
    via: 'POST /v1/mp/:appid/paid-unionid',
    takesToken: true,
    retriesTransport: true,
    async prepare(stack) {
      const s = await openidSession(stack);
      const { transactionId } = await stack.control<{ transactionId: string }>('/__emulator/pay', { appid: stack.apps.mp1, person: s.person });
      return { ...s, transactionId };
    },
    act: (stack, ctx) => stack.api(`/v1/mp/${stack.apps.mp1}/paid-unionid`, { transactionId: ctx.transactionId }, { token: ctx.token }),
    async expectHealthy(_stack, a) {
      must(a.status === 200 && typeof a.body.unionid === 'string', 'the paid unionid', a);
    },
  },
];
