/**
 * A weunion instance for the operations tests: the real compose() + buildApp() on loopback, over a fresh SQLite file
 * (or the storage given), without an emulator (the routes under test answer before any WeChat call).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { demoConfig } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { buildApp } from '../../src/server/app.js';
import { compose, type Composed } from '../../src/compose/compose.js';
import { jsonRequest } from './http.js';

export interface OpsApp {
  url: string;
  app: FastifyInstance;
  composed: Composed;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

export async function startOpsApp(overrides: Partial<ConfigInput> = {}, options: { dataDir?: string } = {}): Promise<OpsApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'weunion-ops-'));
  const config = parseConfig({ ...demoConfig({ port: 0, dataDir }), wechat: {}, ...overrides });
  const composed = await compose(config);
  const app = await buildApp(composed.deps);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    composed,
    config,
    dataDir,
    async close() {
      await app.close();
      await composed.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs JSON (or GETs without a body); returns status, headers and the parsed body. */
export const call = (url: string, body?: unknown) => jsonRequest(url, body);
