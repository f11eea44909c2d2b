/**
 * Login-code exchange with single flight. A mini program (or a retrying proxy) may post the same
 * `wx.login` code twice at once; calling WeChat twice would burn it and the second caller would see 40163
 * instead of the real answer. Concurrent exchanges of one (appid, code) share one upstream call.
 */
import { code2Session, type Code2SessionInput, type Code2SessionResult } from './mini-program.js';
import type { WeChatHttp } from './request.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';

export interface CodeExchanger {
  /** code2Session, de-duplicated per (appid, code) while a call is in flight. The result is frozen (shared). */
  exchange(input: Code2SessionInput): Promise<Readonly<Code2SessionResult>>;
}

export interface CodeExchangerDeps {
  /** Defaults to an in-process single flight; a cross-instance one can be swapped in later. */
  flight?: SingleFlight;
}

/**
 * @example
 *   const exchanger = createCodeExchanger(http);
 *   const { openid, sessionKey } = await exchanger.exchange({ appid, secret, code });
 */
export function createCodeExchanger(http: WeChatHttp, deps: CodeExchangerDeps = {}): CodeExchanger {
  const flight = deps.flight ?? createSingleFlight();
  if (typeof flight.run !== 'function') throw new TypeError('createCodeExchanger: deps.flight must be a SingleFlight');
  return Object.freeze({
    exchange(input: Code2SessionInput): Promise<Readonly<Code2SessionResult>> {
      // The key holds the code; it lives only in this process's memory while the call is in flight.
      const key = JSON.stringify(['code2session', input.appid, input.code]);
      return flight.run(key, async () => Object.freeze(await code2Session(http, input)));
    },
  });
}
