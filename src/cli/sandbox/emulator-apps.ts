/** The emulator's view of a config's apps: each union's Open Platform appid (ours, invented when not configured). */
import type { Config } from '../../config/schema.js';
import type { EmulatorApp } from '../../emulator/index.js';

export function emulatorAppsFor(config: Config): EmulatorApp[] {
  return config.apps.map((a) => {
    const union = a.union === null ? undefined : config.unions.find((u) => u.id === a.union);
    return {
      appid: a.appid,
      secret: a.secret,
      kind: a.kind,
      openAppid: union ? (union.openAppid ?? `open_${union.id}`) : null,
      ...(a.token ? { token: a.token } : {}),
      ...(a.encodingAesKey ? { encodingAesKey: a.encodingAesKey } : {}),
      ...(a.originalId ? { originalId: a.originalId } : {}),
    };
  });
}

/** Points the emulator's push simulator at this server's callback route for every official account with a token. */
export function officialAccountCallbacks(config: Config, serverUrl: string): Array<{ appid: string; callbackUrl: string }> {
  return config.apps
    .filter((a) => a.kind === 'officialAccount' && a.token)
    .map((a) => ({ appid: a.appid, callbackUrl: `${serverUrl}/v1/oa/${a.appid}/callback` }));
}
