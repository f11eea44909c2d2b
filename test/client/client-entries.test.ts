/**
 * The client's subpath exports: each `weunion/client…` entry in package.json names the compiled form of a source
 * entry (types beside it) that exports what the README shows, and no client file imports a package or anything
 * outside src/client (zero runtime dependencies; the SDK runs inside mini programs and pages).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const ENTRIES: Record<string, { source: string; exports: string[] }> = {
  './client': { source: 'src/client/index.ts', exports: ['createMiniProgramClient', 'createEmulatorWx', 'createEmulatorUni', 'createEmulatorTaro'] },
  './client/uni': { source: 'src/client/adapters/uni.ts', exports: ['createUniClient', 'wxFromUni', 'WeUnionClientError'] },
  './client/taro': { source: 'src/client/adapters/taro.ts', exports: ['createTaroClient', 'wxFromTaro', 'WeUnionClientError'] },
  './client/web': { source: 'src/client/web/index.ts', exports: ['createWebClient', 'memoryStorage', 'WeUnionClientError'] },
};

function* files(dir: string): Iterable<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('client entries', () => {
  for (const [subpath, entry] of Object.entries(ENTRIES)) {
    it(`${subpath} → ${entry.source}`, async () => {
      const compiled = `./dist/${entry.source.replace(/\.ts$/, '')}`;
      expect(pkg.exports[subpath]).toEqual({ types: `${compiled}.d.ts`, default: `${compiled}.js` });
      const mod = (await import(`../../${entry.source}`)) as Record<string, unknown>;
      for (const name of entry.exports) expect(typeof mod[name], `${subpath} ${name}`).toBe('function');
    });
  }

  it('no client file imports a package or a file outside src/client', () => {
    const outside: string[] = [];
    for (const file of files('src/client')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)) {
        const spec = m[1]!;
        if (!spec.startsWith('.') || !path.resolve(path.dirname(file), spec).startsWith(path.resolve('src/client'))) outside.push(`${file}: ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
