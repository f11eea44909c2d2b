/**
 * Importing the store's index must not load the PostgreSQL driver: open-store.ts loads it only for a postgres URL,
 * and everything that imports the index (the CLI's data commands among them) would otherwise pay its modules in
 * start-up time and resident memory (BENCHMARKS.md, backfill peak RSS). Checked in a fresh Node process, where the
 * module cache holds only what the import pulled in.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const probe = (entry: string) => `
  const { createRequire } = await import('node:module');
  await import(${JSON.stringify(entry)});
  const cache = createRequire(import.meta.url).cache;
  process.stdout.write(JSON.stringify(Object.keys(cache).filter((k) => /[\\\\/]node_modules[\\\\/]pg[\\\\/]/.test(k))));
`;

function pgModulesLoadedBy(entry: string): string[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe(entry)], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('src/store/index.ts', () => {
  it('loads no module of pg', () => {
    expect(pgModulesLoadedBy(path.resolve('src/store/index.ts'))).toEqual([]);
  });

  it('the probe does see pg when something loads it (so an empty list means something)', () => {
    expect(pgModulesLoadedBy(path.resolve('src/store/dialects/postgres.ts')).length).toBeGreaterThan(0);
  });
});
