/**
 * What the operators' data commands (import, backfill, apps bind, doctor) run on: the config read once, the store
 * behind the same schema guard `weunion start` uses, and — for those that ask WeChat — an HTTP client and an
 * access_token manager for the configured apps (tokens kept in this process: the CLI is one short-lived caller,
 * and `stable_token`, the default, does not kill the tokens the running instances hold).
 */
import type { Config } from '../config/schema.js';
import { guardSchema, migrationsModeFor } from '../compose/schema-guard.js';
// From their own modules, not the index files: those load every dialect (pg) and every WeChat API schema.
import { openStore, type OpenedStore } from '../store/open-store.js';
import { WeChatHttp } from '../wechat/api/request.js';
import { createAccessTokenManager, type AccessTokenManager } from '../wechat/tokens/access-token.js';
import { systemClock } from '../clock.js';
import { loadCliConfig } from './load-cli-config.js';
import type { CliContext } from './commands/command.js';

export interface DataContext {
  config: Config;
  opened: OpenedStore;
  close(): Promise<void>;
}

export async function openDataContext(ctx: CliContext): Promise<DataContext> {
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  const opened = await openStore(config.storage, { poolSize: 2 });
  try {
    await guardSchema(opened, migrationsModeFor(config));
  } catch (e) {
    await opened.close();
    throw e;
  }
  return { config, opened, close: () => opened.close() };
}

export interface WeChatClient {
  http: WeChatHttp;
  tokens: AccessTokenManager;
}

/** `sleep`: how retries of -1/-1000 wait (real time in the CLI). */
export function weChatClient(config: Config): WeChatClient {
  const http = new WeChatHttp({ baseUrl: config.wechat.baseUrl, timeoutMs: config.wechat.timeoutMs });
  const apps = new Map(config.apps.map((a) => [a.appid, { appid: a.appid, secret: a.secret }]));
  const tokens = createAccessTokenManager({ http, clock: systemClock, apps: (appid) => apps.get(appid), mode: config.wechat.tokenMode });
  return { http, tokens };
}
