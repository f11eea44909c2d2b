/**
 * What a production start refuses (NODE_ENV=production), for every entry point that starts weunion from a config:
 * `weunion start`, `weunion/fastify`, `weunion/node`. Each refusal says why and how to say it is meant.
 * - the built-in emulator: a fake WeChat with an unauthenticated control API (WEUNION_ALLOW_EMULATOR=1 for a test
 *   deployment);
 * - official-account or website apps without `publicUrl`: their OAuth redirect_uri would come from the Host header;
 * - keys it would generate (no keys.atRestKey/signingJwk and no `<dataDir>/keys.json`): they would live in one
 *   instance's data folder (WEUNION_ALLOW_GENERATED_KEYS=1 to generate and keep them there).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { Config } from './schema.js';

const refuse = (message: string): never => {
  throw new AppError('ERR_CONFIG_INVALID', { message: `NODE_ENV=production and ${message}` });
};

export function refuseUnsafeProduction(config: Config, env: Record<string, string | undefined>): void {
  if (env.NODE_ENV !== 'production') return;
  if (config.wechat.emulator !== undefined && env.WEUNION_ALLOW_EMULATOR !== '1') {
    refuse(
      'wechat.emulator is set: refusing to run against the built-in emulator (a fake WeChat with an unauthenticated ' +
        'control API); remove wechat.emulator, or set WEUNION_ALLOW_EMULATOR=1 if this is a test deployment',
    );
  }
  // Without publicUrl the OAuth redirect_uri is built from each request's Host header (server/http/public-origin.ts),
  // which the client writes: a login could be sent back to a host of the client's choosing.
  const browserApps = config.apps.filter((a) => a.kind === 'officialAccount' || a.kind === 'website').map((a) => a.appid);
  if (config.publicUrl === undefined && browserApps.length > 0) {
    refuse(
      `no publicUrl, with official-account or website apps configured (${browserApps.join(', ')}): refusing to start, ` +
        'because their OAuth redirect_uri would be built from the Host header each client sends; set publicUrl to this ' +
        'service\u2019s public URL (e.g. "https://id.example.com"), the one registered with WeChat',
    );
  }
  const keysFile = path.join(config.dataDir, 'keys.json');
  const keysGiven = Boolean(config.keys?.atRestKey && config.keys?.signingJwk);
  if (!keysGiven && !existsSync(keysFile) && env.WEUNION_ALLOW_GENERATED_KEYS !== '1') {
    refuse(
      `keys.atRestKey / keys.signingJwk are not configured and ${keysFile} does not exist: refusing to generate keys, ` +
        'because generated keys live in this one data folder: a second instance, or this one on a fresh disk (a new ' +
        'container), would make others, and every session it signed and session_key it sealed would stop verifying. ' +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal syntax the config file uses
        'Give both keys in the config (e.g. "atRestKey": "${WEUNION_AT_REST_KEY}", see docs/production.md), or set ' +
        'WEUNION_ALLOW_GENERATED_KEYS=1 to generate them once into that file (one instance, a persistent disk)',
    );
  }
}
