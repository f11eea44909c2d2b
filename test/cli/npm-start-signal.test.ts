/**
 * Found by trying it as a new user (issue 15): `npm start &` and then `kill` of that process left tsx and the server
 * running on their ports. `npm start` now execs one node (tsx as an --import loader), so npm's forwarded SIGTERM
 * reaches the server, which closes gracefully; nothing it started is left.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { descendants, waitGone } from '../helpers/process-tree.js';

describe('npm start', () => {
  it('killing the npm process stops the server and everything under it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weunion-npm-start-'));
    const config = path.join(dir, 'weunion.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        server: { port: 0 },
        dataDir: path.join(dir, 'data'),
        wechat: { emulator: { port: 0 } },
        apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }],
      }),
    );
    const npm = spawn('npm', ['start', '--silent'], { env: { ...process.env, WEUNION_CONFIG: config, LOG_LEVEL: 'silent' } });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      npm.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /weunion listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      npm.once('exit', (code) => reject(new Error(`npm start exited ${code}: ${out}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const under = descendants(npm.pid!);
    expect(under.length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    expect(await waitGone([npm.pid!, ...under])).toEqual([]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
