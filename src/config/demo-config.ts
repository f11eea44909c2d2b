/**
 * The sandbox: what `npm start` runs when no config file exists. Two bound mini programs, an official account, a
 * website app and a mobile app in one union, one unbound mini program, the built-in emulator under the legacy unionid rule (the world the seeds were
 * written for, where code2session often omits the unionid).
 */
import type { ConfigInput } from './schema.js';

export const DEMO_APPS = {
  mp1: 'wxdemo00000000mp01',
  mp2: 'wxdemo00000000mp02',
  mpUnbound: 'wxdemo0000000mpu03',
  oa: 'wxdemo00000000oa01',
  web: 'wxdemo0000000web01',
  app: 'wxdemo0000000app01',
} as const;

export const DEMO_UNION = { id: 'acme', openAppid: 'wxopen0000000acme1' } as const;

export function demoConfig(options: { port?: number; emulatorPort?: number; dataDir?: string } = {}): ConfigInput {
  return {
    server: { port: options.port ?? 3000 },
    dataDir: options.dataDir ?? './.weunion',
    wechat: { emulator: { port: options.emulatorPort ?? 3001, unionidRule: 'legacy' } },
    unions: [{ id: DEMO_UNION.id, openAppid: DEMO_UNION.openAppid, name: 'ACME Open Platform account' }],
    apps: [
      { appid: DEMO_APPS.mp1, secret: 'sandbox-secret-mp1', kind: 'miniprogram', union: 'acme', name: 'ACME Shop (mini program 1)' },
      { appid: DEMO_APPS.mp2, secret: 'sandbox-secret-mp2', kind: 'miniprogram', union: 'acme', name: 'ACME Club (mini program 2)' },
      { appid: DEMO_APPS.mpUnbound, secret: 'sandbox-secret-mpu', kind: 'miniprogram', union: null, name: 'Unbound mini program' },
      {
        appid: DEMO_APPS.oa,
        secret: 'sandbox-secret-oa1',
        kind: 'officialAccount',
        union: 'acme',
        name: 'ACME official account',
        token: 'sandboxtoken',
        encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
        originalId: 'gh_acme0000demo',
        redirectAllowList: ['http://127.0.0.1', 'http://localhost'],
      },
      {
        appid: DEMO_APPS.web,
        secret: 'sandbox-secret-web',
        kind: 'website',
        union: 'acme',
        name: 'ACME website (QR login)',
        redirectAllowList: ['http://127.0.0.1', 'http://localhost'],
      },
      { appid: DEMO_APPS.app, secret: 'sandbox-secret-app', kind: 'mobile', union: 'acme', name: 'ACME mobile app' },
    ],
  };
}
