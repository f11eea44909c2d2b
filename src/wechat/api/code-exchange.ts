/**
 * Login-code exchange with single flight. A mini program (or a retrying proxy) may post the same
 * `wx.login` code twice at once; calling WeChat twice would burn it and the second caller would see 40163
 * instead of the real answer. Concurrent exchanges of one (appid, code) share one upstream call.
 */
import { code2Session, type Code2SessionInput, type Code2SessionResult } from './mini-program.js';
import type { WeChatHttp } from './request.js';
import { createSingleFlight, type SingleFlight } from '../../cache/single-flight.js';

export interface CodeExchanger {
  /** code2Session, de-duplicated per (appid, code) while a call is in flight. The result is frozen (shared). */
  exchange(input: Code2SessionInput): Promise<Readonly<Code2SessionResult>>;
}

export interface CodeExchangerDeps {
  /**
   * Defaults to an in-process single flight. Several instances: `createSharedFlight` (src/cache), whose
   * outcome is the result itself, so it must survive JSON (it does: strings and an optional unionid).
   */
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
      // The key holds the code: the in-process flight keeps it in memory only while the call is in flight; a
      // shared flight stores only a digest of it.
      const key = JSON.stringify(['code2session', input.appid, input.code]);
      // Frozen after the flight: another instance's answer arrives as a new object.
      return flight.run(key, () => code2Session(http, input)).then((r) => Object.freeze(r));
    },
  });
}
