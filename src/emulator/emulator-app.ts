/** One app as the emulator knows it: its own type, so the emulator's files can share it without import circles. */
import type { MessageMode } from './push-xml.js';

/** The four kinds of WeChat app an Open Platform account can bind. */
export const APP_KINDS = ['miniprogram', 'officialAccount', 'website', 'mobile'] as const;
export type AppKind = (typeof APP_KINDS)[number];

/**
 * One WeChat app the emulator serves. `openAppid` is the Open Platform account it is bound to (null = unbound).
 * Official accounts may also have a push callback: `callbackUrl`, the `token` that signs pushes, the
 * `encodingAesKey` that encrypts them, `messageMode` (default `safe` with a key, else `plain`) and `originalId`
 * (`gh_…`, the ToUserName; default `gh_<appid>`). Official accounts and website apps may have an `oauthDomain`, the
 * domain a `redirect_uri` must be on (`host[:port]` or a list; unset = any, oauth-domain.ts). All of those can change
 * later through `configureApp`.
 */
export interface EmulatorApp {
  readonly appid: string;
  readonly secret: string;
  readonly kind: AppKind;
  readonly openAppid: string | null;
  readonly callbackUrl?: string | null | undefined;
  readonly token?: string | undefined;
  readonly encodingAesKey?: string | undefined;
  readonly messageMode?: MessageMode | undefined;
  readonly originalId?: string | undefined;
  /** `host[:port]` or a list of them (checked by oauth-domain.ts); null or unset = any. */
  readonly oauthDomain?: string | string[] | null | undefined;
}
