/**
 * The one shape every benchmark reports in: rows of "subject vs its baseline, measured in the same run", written to
 * bench/results/<bench>.json and gathered by bench/run-all.ts into the table and bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface Target {
  /** `>=`: the ratio must reach `value` (throughput); `<=`: must not exceed it (a slowdown). */
  op: '>=' | '<=';
  value: number;
}

export interface BenchRow {
  bench: string;
  /** What is compared, e.g. "login, server decides (current rule)". */
  name: string;
  /** What the numbers are, e.g. "logins/s" or "p50 ms". */
  unit: string;
  subject: { name: string; value: number };
  baseline: { name: string; value: number };
  /** subject / baseline, the median of the per-round ratios when there are rounds. */
  ratio: number;
  perRound?: number[];
  target: Target | null;
  /** null when the row has no target (informational). */
  met: boolean | null;
  /** Absolute figures beyond the two values: latencies, RSS, failures… */
  details?: Record<string, unknown>;
}

/** A row with `met` worked out from the ratio and the target. */
export function row(r: Omit<BenchRow, 'met'>): BenchRow {
  const met = r.target === null ? null : r.target.op === '>=' ? r.ratio >= r.target.value : r.ratio <= r.target.value;
  return { ...r, met };
}

export interface BenchFile {
  bench: string;
  date: string;
  node: string;
  cpus: number;
  settings: Record<string, unknown>;
  rows: BenchRow[];
}

/** Writes bench/results/<bench>.json and prints the rows. */
export function writeBench(bench: string, settings: Record<string, unknown>, rows: BenchRow[]): BenchFile {
  const file: BenchFile = { bench, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, settings, rows };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${bench}.json`, `${JSON.stringify(file, null, 2)}\n`);
  process.stdout.write(`${formatTable(rows)}\n`);
  return file;
}

const fmt = (v: number): string => (v >= 1000 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The table: one line per row, ratio and target last. */
export function formatTable(rows: BenchRow[]): string {
  const lines = rows.map((r) => [
    r.name,
    r.unit,
    fmt(r.subject.value),
    `${r.baseline.name}: ${fmt(r.baseline.value)}`,
    `${r.ratio.toFixed(2)}×`,
    r.target ? `${r.target.op} ${r.target.value}` : '—',
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const head = ['benchmark', 'unit', 'weunion', 'baseline', 'ratio', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const pad = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [pad(head), pad(widths.map((w) => '-'.repeat(w))), ...lines.map(pad)].join('\n');
}
