/**
 * The sandbox's WeChat: the built-in emulator, started in-process for a config with `wechat.emulator`, before the
 * service (the config then points WeChat's API host and browser pages at it), sharing one virtual clock with the
 * service so moving it moves token and code expiry alike. Only the CLI starts it; the emulator's control API
 * listens on loopback unless `wechat.emulator.host` says otherwise.
 */
import { ManualClock } from '../../clock.js';
import type { Config } from '../../config/schema.js';
import { createEmulator } from '../../emulator/index.js';
import { emulatorAppsFor, officialAccountCallbacks } from './emulator-apps.js';

export interface Sandbox {
  /** The config the service must run on: WeChat's hosts are the emulator's URL. */
  config: Config;
  clock: ManualClock;
  emulatorUrl: string;
  /** Points the emulator's push simulator at the service's callback route, once the service listens. */
  connect(serviceUrl: string): void;
  close(): Promise<void>;
}

/** Starts the emulator a config asks for (`wechat.emulator` must be set). */
export async function startSandbox(config: Config): Promise<Sandbox> {
  const settings = config.wechat.emulator;
  if (!settings) throw new TypeError('startSandbox: the config has no wechat.emulator');
  const clock = new ManualClock();
  const emulator = await createEmulator({
    apps: emulatorAppsFor(config),
    unionidRule: settings.unionidRule,
    rotateSessionKeyOnLogin: settings.rotateSessionKeyOnLogin,
    clock,
    logger: false,
  });
  const emulatorUrl = await emulator.listen({ port: settings.port, host: settings.host });
  const { emulator: _started, ...wechat } = config.wechat;
  return {
    config: Object.freeze({ ...config, wechat: { ...wechat, baseUrl: emulatorUrl, openBaseUrl: emulatorUrl, mpBaseUrl: emulatorUrl } }),
    clock,
    emulatorUrl,
    connect(serviceUrl: string) {
      for (const { appid, callbackUrl } of officialAccountCallbacks(config, serviceUrl)) emulator.configureApp(appid, { callbackUrl });
      // WeChat sends a browser back only to the domain registered for the app: here, this service's.
      const oauthDomain = new URL(config.publicUrl ?? serviceUrl).host;
      for (const a of config.apps) if (a.kind === 'officialAccount' || a.kind === 'website') emulator.configureApp(a.appid, { oauthDomain });
    },
    close: () => emulator.close(),
  };
}
