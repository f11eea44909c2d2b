/** What every emulator route gets: the resolved options and the shared state, built once per emulator. */
import type { CallbackVerifier } from './callback-verifier.js';
import type { CallStats } from './stats.js';
import type { FaultRegistry } from './faults.js';
import type { IdMinter } from './ids.js';
import type { AdvanceableClock, ResolvedEmulatorOptions } from './options.js';
import type { PushSimulator } from './push-simulator.js';
import type { EmulatorState } from './state.js';
import type { WeChatReplier } from './wechat-reply.js';

export interface EmulatorContext {
  readonly options: ResolvedEmulatorOptions;
  readonly clock: AdvanceableClock;
  readonly ids: IdMinter;
  readonly state: EmulatorState;
  readonly faults: FaultRegistry;
  readonly stats: CallStats;
  readonly wx: WeChatReplier;
  readonly pushes: PushSimulator;
  /** The echostr check sent when a callback URL is set (callback-verifier.ts). */
  readonly verifier: CallbackVerifier;
}

/** Paths under this prefix are the emulator's own control API; everything else is "WeChat". */
export const CONTROL_PREFIX = '/__emulator';

/** The path of a URL without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}
