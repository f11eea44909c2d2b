/**
 * A scripted WeChat gateway (the flows' `WeChatGateway` port): each call answers what the test put in `script`
 * for it, and is recorded; a call the test did not script throws, so an unexpected WeChat call fails the test.
 * Put in with `compose(config, { overrides: { wechat } })` or handed to a flow directly.
 */
import { AppError } from '../../src/errors.js';
import type { WeChatGateway } from '../../src/flows/ports.js';

export type WeChatMethod = keyof WeChatGateway;
export type WeChatScript = Partial<WeChatGateway>;

export interface WeChatCall {
  method: WeChatMethod;
  appid: string;
  /** The arguments after the app. */
  args: unknown[];
}

export interface ScriptedWeChat extends WeChatGateway {
  /** What each method answers; set or replace an entry at any time. */
  script: WeChatScript;
  calls: WeChatCall[];
  /** The arguments (after the app) of every call of `method`. */
  callsTo(method: WeChatMethod): unknown[][];
}

const METHODS: readonly WeChatMethod[] = [
  'code2Session',
  'isSessionKeyCurrent',
  'getPhoneNumber',
  'getPaidUnionid',
  'userInfo',
  'createTempQrCode',
  'exchangeOAuthCode',
  'oauthUserInfo',
];

/**
 * @example
 *   const wechat = scriptedWeChat({ code2Session: byCode({ 'code-1': { openid: 'o-1', sessionKey: KEY } }) });
 */
export function scriptedWeChat(script: WeChatScript = {}): ScriptedWeChat {
  const calls: WeChatCall[] = [];
  const gateway = { script, calls, callsTo: (method: WeChatMethod) => calls.filter((c) => c.method === method).map((c) => c.args) } as ScriptedWeChat;
  for (const method of METHODS) {
    (gateway as unknown as Record<string, unknown>)[method] = async (app: { appid: string }, ...args: unknown[]) => {
      calls.push({ method, appid: app.appid, args });
      const answer = gateway.script[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!answer) throw new Error(`unscripted WeChat call: ${method}(${app.appid}, …)`);
      return answer(app, ...args);
    };
  }
  return gateway;
}

/** An AppError like the gateway's for a WeChat errcode (docs/errors.md): the code, and WeChat's errcode kept. */
export function wechatError(code: ConstructorParameters<typeof AppError>[0], errcode: number, errmsg = 'scripted'): AppError {
  return new AppError(code, { wechat: { errcode, errmsg } });
}

/**
 * A code-exchange script (code2Session, exchangeOAuthCode): each code answers its entry once, like WeChat (a reused
 * code is 40163, an unknown one 40029).
 */
export function byCode<T>(answers: Record<string, T>): (app: unknown, code: string) => Promise<T> {
  const used = new Set<string>();
  return async (_app: unknown, code: string) => {
    const answer = answers[code];
    if (answer === undefined) throw wechatError('ERR_WECHAT_CODE_INVALID', 40029, 'invalid code');
    if (used.has(code)) throw wechatError('ERR_WECHAT_CODE_USED', 40163, 'code been used');
    used.add(code);
    return answer;
  };
}
