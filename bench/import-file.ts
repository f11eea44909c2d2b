/**
 * The JSONL file the import benches feed `weunion import` (bench/import.ts, bench/import-statements.ts): `rows`
 * rows (a multiple of 4) in groups of four, half of them with a unionid:
 *   mp1 openid a (no unionid) → created X;  mp2 openid b + unionid u → created Y;
 *   mp1 openid a + unionid u → X merged into Y (merge by unionid);  mp1 openid e (no unionid) → created Z.
 * Ids are random, so the keys spread over the whole index as real ones do.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_APPS } from '../src/config/demo-config.js';

const openidLike = () => `o${randomBytes(21).toString('base64url')}`; // 28 characters, like WeChat's

/** Writes `<dir>/users.jsonl`; returns its path and its lines. */
export function writeImportFile(dir: string, rows: number): { file: string; lines: string[] } {
  const lines: string[] = [];
  for (let g = 0; g < rows / 4; g++) {
    const [a, b, u, e] = [openidLike(), openidLike(), openidLike(), openidLike()];
    lines.push(
      JSON.stringify({ appid: DEMO_APPS.mp1, openid: a }),
      JSON.stringify({ appid: DEMO_APPS.mp2, openid: b, unionid: u }),
      JSON.stringify({ appid: DEMO_APPS.mp1, openid: a, unionid: u }),
      JSON.stringify({ appid: DEMO_APPS.mp1, openid: e }),
    );
  }
  const file = path.join(dir, 'users.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, lines };
}
