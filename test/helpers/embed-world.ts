/**
 * A WeChat for the embedding tests (plugin, handler, examples, the packed tarball): the built-in emulator on
 * loopback with two mini programs of one union, and the raw weunion config (what a weunion.config.json would hold)
 * pointing at it. `loginCode(person)` plays `wx.login` through the emulator's control API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emulatorAppsFor } from '../../src/cli/sandbox/emulator-apps.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createEmulator } from '../../src/emulator/index.js';

export const MP = 'wxembed0000000mp01';
export const MP2 = 'wxembed0000000mp02';

export interface EmbedWorld {
  emulatorUrl: string;
  /** A config for weunion: the two mini programs, a fresh SQLite file, WeChat = the emulator. */
  config: ConfigInput;
  /** A new person at WeChat; returns its id. */
  createPerson(): Promise<string>;
  /** The code `wx.login` would give `person` in `appid`. */
  loginCode(person: string, appid?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startEmbedWorld(): Promise<EmbedWorld> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-embed-'));
  const base: ConfigInput = {
    dataDir,
    unions: [{ id: 'acme', openAppid: 'wxopenembed0000001' }],
    apps: [
      { appid: MP, secret: 'embed-secret-1', kind: 'miniprogram', union: 'acme' },
      { appid: MP2, secret: 'embed-secret-2', kind: 'miniprogram', union: 'acme' },
    ],
  };
  const emulator = await createEmulator({ apps: emulatorAppsFor(parseConfig(base)), unionidRule: 'current', clock: new ManualClock(), logger: false });
  const emulatorUrl = await emulator.listen({ port: 0, host: '127.0.0.1' });
  const control = async <T>(pathname: string, body: unknown): Promise<T> => {
    const res = await fetch(emulatorUrl + pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`emulator ${pathname} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    emulatorUrl,
    config: { ...base, wechat: { baseUrl: emulatorUrl, openBaseUrl: emulatorUrl, mpBaseUrl: emulatorUrl } },
    createPerson: async () => (await control<{ id: string }>('/__emulator/persons', {})).id,
    loginCode: async (person, appid = MP) => (await control<{ code: string }>('/__emulator/wx.login', { appid, person })).code,
    close: () => emulator.close(),
  };
}
