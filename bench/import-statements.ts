import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dataImport } from '../src/cli/commands/data/import.js';
import { demoConfig } from '../src/config/demo-config.js';
import { writeImportFile } from './import-file.js';

const rows = Math.max(4, Math.floor(Number(process.env.BENCH_ROWS ?? 20_000) / 4) * 4);
const imports = Number(process.env.IMPORTS ?? 3);

const stats = new Map<string, { n: number; ms: number }>();
const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
probe.close();
for (const method of ['run', 'all', 'get'] as const) {
  const original = proto[method]!;
  proto[method] = function (this: { source: string }, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      const sql = this.source
        .replace(/\s+/g, ' ')
        .replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(…)')
        .replace(/in \([^)]*\)/g, 'in (…)');
      const s = stats.get(`${method} ${sql.slice(0, 100)}`) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t0;
      stats.set(`${method} ${sql.slice(0, 100)}`, s);
    }
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-import-sql-'));
const { file } = writeImportFile(dir, rows);
const { unions, apps } = demoConfig();
try {
  for (let i = 0; i < imports; i++) {
    const cwd = mkdtempSync(path.join(dir, 'cli-'));
    writeFileSync(path.join(cwd, 'weunion.config.json'), JSON.stringify({ storage: `sqlite:${path.join(cwd, 'w.db')}`, migrations: 'auto', unions, apps }));
    let err = '';
    const t0 = performance.now();
    const code = await dataImport.run({
      args: ['--file', file, '--quiet'],
      env: { ...process.env, WEUNION_CONFIG: undefined },
      cwd,
      out: () => {},
      err: (t) => void (err += t),
    });
    if (code !== 0) throw new Error(`weunion import exited ${code}: ${err}`);
    process.stdout.write(`import ${i + 1}: ${(rows / ((performance.now() - t0) / 1000)).toFixed(0)} rows/s\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
let total = 0;
for (const s of stats.values()) total += s.ms;
process.stdout.write(`statements: ${total.toFixed(0)} ms over ${imports} imports of ${rows} rows\n`);
for (const [sql, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  process.stdout.write(`${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}×  ${sql}\n`);
}
