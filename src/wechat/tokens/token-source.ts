/**
 * Where an app's access_token comes from when weunion does not fetch it from WeChat itself: an outside system
 * (a central token server, another service that owns the AppSecret) that hands out the current token.
 * Tokens from a source are cached, refreshed ahead of expiry and invalidated like WeChat's own.
 */
import type { AccessTokenResult } from '../api/token.js';

export interface TokenSource {
  /**
   * Names the source in cache keys, so tokens of different sources never share an entry. Must not contain a
   * secret (it may end up in a shared cache's key space). e.g. `url:3f2a…` or `vault`.
   */
  readonly id: string;
  /** The current token for `appid` and its remaining life in seconds. */
  fetch(appid: string): Promise<AccessTokenResult>;
}
