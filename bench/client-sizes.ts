/**
 * Minified + gzipped size of each client entry, as an app's bundler would ship it: esbuild bundles the entry (ESM,
 * es2020, minified; every export of the entry kept), zlib gzips it at level 9. `weunion/client` carries the
 * emulator-backed test doubles too, so the mini program SDK alone (what an app that imports only
 * `createMiniProgramClient` ships after tree shaking) is measured as well.
 * Run: `npm run sizes:client` (prints a table; `--json` prints JSON).
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ENTRIES: Array<[name: string, contents: string]> = [
  ['weunion/client', "export * from './src/client/index.ts';"],
  ['weunion/client (createMiniProgramClient only)', "export { createMiniProgramClient } from './src/client/mini-program-client.ts';"],
  ['weunion/client/uni', "export * from './src/client/adapters/uni.ts';"],
  ['weunion/client/taro', "export * from './src/client/adapters/taro.ts';"],
  ['weunion/client/web', "export * from './src/client/web/index.ts';"],
];

const rows = [];
for (const [name, contents] of ENTRIES) {
  const out = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  rows.push({ entry: name, minifiedBytes: code.byteLength, gzippedBytes: gzipSync(code, { level: 9 }).byteLength });
}

if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('entry'.padEnd(48), 'min'.padStart(8), 'min+gz'.padStart(8));
  for (const r of rows) console.log(r.entry.padEnd(48), String(r.minifiedBytes).padStart(8), String(r.gzippedBytes).padStart(8));
}
