/** Looks up a configured app by appid and checks it is of the kind a route or job serves. */
import type { AppConfig, AppKind, Config } from './schema.js';
import { AppError } from '../errors.js';

export function requireApp(config: Pick<Config, 'apps'>, appid: string, kind: AppKind): AppConfig {
  const app = config.apps.find((a) => a.appid === appid);
  if (!app) throw new AppError('ERR_APP_UNKNOWN', { message: `The appid ${JSON.stringify(appid.slice(0, 64))} is not configured in weunion.` });
  if (app.kind !== kind) throw new AppError('ERR_APP_KIND', { message: `The appid ${app.appid} is a ${app.kind}, not a ${kind}.` });
  return app;
}
