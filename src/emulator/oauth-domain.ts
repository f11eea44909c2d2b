/**
 * The domain an OAuth `redirect_uri` must be on (issue #12): an official account's 网页授权域名, a website app's
 * 授权回调域 (docs/wechat-api.md §4.1). WeChat refuses a `redirect_uri` elsewhere on its own page — "redirect_uri
 * 参数错误", code 10003 "redirect_uri域名与后台配置不一致" — before anyone is asked, so no code ever reaches it.
 *
 * The rule, per entry (an app may list a few, as WeChat allows up to two or three):
 * - the **whole host name** must be equal (case-insensitive), any path under it: `www.qq.com` admits
 *   `http://www.qq.com/music.html` but not `pay.qq.com` nor `qq.com` [doc: the official-account page's own example,
 *   https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html]. For website apps
 *   the same exact rule is assumed [unconf]; the emulator option `websiteOAuthSubdomains` also admits subdomains;
 * - http or https alike;
 * - **ports** [unconf]: an entry without a port admits only the scheme's default port (a registered domain is served
 *   on 80/443); write the port (`127.0.0.1:3000`) to register a server on another one.
 *
 * An app with no domain set admits any http(s) `redirect_uri`: an emulator convenience (WeChat has no such state), so
 * setups that never configured one keep working. Set it through the app options, `configureApp` or
 * `PATCH /__emulator/apps/:appid { oauthDomain }` (e.g. to the weunion server's host once it listens).
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { EmulatorApp } from './emulator-app.js';

/** One entry: a host name, IPv4 or [IPv6] with an optional port; no scheme, path or user info. */
const ENTRY = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/;
const entrySchema = z
  .string()
  .max(260)
  .refine(
    (s) => ENTRY.test(s) && URL.canParse(`http://${s.replace(/:\d+$/, '')}`) && Number(ENTRY.exec(s)?.[1] ?? 0) <= 65_535,
    'a host name with an optional :port',
  );

interface Entry {
  hostname: string;
  /** The registered port, or null: the scheme's default only. */
  port: number | null;
}

function entryOf(s: string): Entry {
  const port = ENTRY.exec(s)?.[1];
  return { hostname: new URL(`http://${s.replace(/:\d+$/, '')}`).hostname, port: port === undefined ? null : Number(port) };
}

/** The port a browser connects to for `url`. */
const effectivePort = (url: URL): number => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** What the app options and the control API accept: one entry, a list of them, or null (no check). */
export const oauthDomainSettingSchema = z.union([entrySchema, z.array(entrySchema).min(1).max(10)]).nullable();
export type OAuthDomainSetting = z.output<typeof oauthDomainSettingSchema>;

/** The registered OAuth domains of every app, changeable at run time (not cleared by reset: app configuration). */
export class OAuthDomains {
  readonly #domains = new Map<string, { text: readonly string[]; entries: readonly Entry[] }>();
  readonly #websiteSubdomains: boolean;

  constructor(apps: readonly EmulatorApp[], options: { websiteSubdomains: boolean }) {
    this.#websiteSubdomains = options.websiteSubdomains;
    for (const app of apps) this.set(app.appid, app.oauthDomain ?? null);
  }

  /** The entries of `appid` as set (lower case), or null when none are. */
  get(appid: string): readonly string[] | null {
    return this.#domains.get(appid)?.text ?? null;
  }

  /** Replaces the entries of `appid` (already validated by oauthDomainSettingSchema). */
  set(appid: string, setting: OAuthDomainSetting): void {
    if (setting === null) return void this.#domains.delete(appid);
    const text = Object.freeze((typeof setting === 'string' ? [setting] : setting).map((s) => s.toLowerCase()));
    this.#domains.set(appid, { text, entries: Object.freeze(text.map(entryOf)) });
  }

  /** Whether WeChat would send the browser to `redirectUri` (an http(s) URL) for `app`. */
  admits(app: EmulatorApp, redirectUri: string): boolean {
    const registered = this.#domains.get(app.appid);
    if (registered === undefined) return true;
    const target = new URL(redirectUri);
    const port = effectivePort(target);
    const subdomains = app.kind === 'website' && this.#websiteSubdomains;
    return registered.entries.some((e) => {
      if (e.port === null ? target.port !== '' : e.port !== port) return false;
      return target.hostname === e.hostname || (subdomains && target.hostname.endsWith(`.${e.hostname}`));
    });
  }

  /** Throws ERR_EMULATOR_BAD_REQUEST (WeChat's 10003) unless `admits(app, redirectUri)`. */
  require(app: EmulatorApp, redirectUri: string): void {
    if (this.admits(app, redirectUri)) return;
    throw new AppError('ERR_EMULATOR_BAD_REQUEST', {
      message: `redirect_uri 参数错误 (10003): ${new URL(redirectUri).host} is not the OAuth domain of ${app.appid} (${this.get(app.appid)?.join(', ')}).`,
    });
  }
}
