/**
 * Packs weunion as npm would publish it and installs the tarball into an empty project, as a user would:
 * `npm run build`, `npm pack`, then `npm install <tarball> … --omit=dev --no-audit --no-fund` (the same commands as
 * the Dockerfile's). better-sqlite3's install script is prebuild-install: it finds this checkout's compiled binary
 * (same Node ABI, same platform) as a *local prebuild* (`npm_config_better_sqlite3_local_prebuilds`, prebuild-install's
 * documented override) instead of compiling from source for a minute; WEUNION_PACK_FROM_SOURCE=1 lets it compile.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const repo = path.resolve('.');

export interface PackedInstall {
  /** The consumer project the tarball is installed in. */
  dir: string;
  tarball: { file: string; size: number; unpackedSize: number; files: string[] };
  /** Seconds each step took (measured here, printed by the test). */
  seconds: { build: number; pack: number; install: number };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await f();
  return [value, Math.round((performance.now() - start) / 100) / 10];
}

/** A tar.gz of this checkout's compiled better-sqlite3, named as prebuild-install looks for it. */
async function localPrebuild(into: string): Promise<string> {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  // prebuild-install names a musl build `linuxmusl`; glibc reports its version in the process report.
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const libc = process.platform === 'linux' && report.header?.glibcVersionRuntime === undefined ? 'musl' : '';
  const name = `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  mkdirSync(into, { recursive: true });
  await exec('tar', ['-czf', path.join(into, name), '-C', path.join(repo, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']);
  return into;
}

export async function packAndInstall(extraPackages: string[] = []): Promise<PackedInstall> {
  const work = mkdtempSync(path.join(tmpdir(), 'weunion-pack-'));
  const [, build] = await timed(() => exec('npm', ['run', 'build'], { cwd: repo }));
  const [packed, pack] = await timed(async () => {
    // --ignore-scripts: built just above (the prepack script would build again).
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repo });
    return (JSON.parse(stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>)[0]!;
  });
  const dir = path.join(work, 'consumer');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
  if (process.env.WEUNION_PACK_FROM_SOURCE !== '1') env.npm_config_better_sqlite3_local_prebuilds = await localPrebuild(path.join(work, 'prebuilds'));
  const tarballPath = path.join(work, packed.filename);
  const [, install] = await timed(() =>
    exec('npm', ['install', tarballPath, ...extraPackages, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env }),
  );
  return {
    dir,
    tarball: { file: tarballPath, size: packed.size, unpackedSize: packed.unpackedSize, files: packed.files.map((f) => f.path) },
    seconds: { build, pack, install },
  };
}
