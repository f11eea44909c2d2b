/**
 * The secret-leak scanner: for every stack recorded in a folder (test/leaks/recorder.ts), looks for each of that
 * stack's secrets — raw, URL-encoded and JSON-escaped — in every log line and every error response (and, bar the
 * session tokens a login answer carries, in every other response). A hit names the file, line, test and what
 * leaked, never the value.
 *
 *   tsx test/leaks/scan.ts <folder>     exit 1 on any hit
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedResponse, RecordedSecret, StackRecord } from './recorder.js';

export interface LeakHit {
  /** `<id>.log:<line>` or `<id>.responses.jsonl:<line>`. */
  where: string;
  /** The test file that started the stack. */
  test: string | null;
  what: string;
  /** The request whose response leaked, for response hits. */
  request?: string;
}

export interface ScanReport {
  stacks: number;
  logLines: number;
  responses: number;
  secrets: number;
  /** Stacks that were never closed (no secrets file): their logs cannot be checked. */
  unclosed: string[];
  hits: LeakHit[];
}

/** The spellings a secret can take on its way into a log or a body. */
function forms(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])];
}

function find(text: string, secrets: readonly RecordedSecret[], allow?: (s: RecordedSecret) => boolean): RecordedSecret | undefined {
  for (const s of secrets) {
    if (allow?.(s)) continue;
    if (forms(s.value).some((f) => text.includes(f))) return s;
  }
  return undefined;
}

/**
 * Scans every stack recorded in `dir`.
 * @example
 *   const report = scanLeaks('/tmp/leaks'); if (report.hits.length) process.exitCode = 1;
 */
export function scanLeaks(dir: string): ScanReport {
  const files = readdirSync(dir);
  const records = files.filter((f) => f.endsWith('.secrets.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as StackRecord);
  const closed = new Set(records.map((r) => r.id));
  const report: ScanReport = { stacks: records.length, logLines: 0, responses: 0, secrets: 0, unclosed: [], hits: [] };
  for (const f of files) {
    if (f.endsWith('.log') && !closed.has(f.slice(0, -'.log'.length))) report.unclosed.push(f);
  }
  for (const rec of records) {
    report.secrets += rec.secrets.length;
    const logFile = path.join(dir, rec.log);
    const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n') : [];
    lines.forEach((line, i) => {
      if (!line) return;
      report.logLines += 1;
      const s = find(line, rec.secrets);
      if (s) report.hits.push({ where: `${rec.log}:${i + 1}`, test: rec.test, what: `${s.what} in a log line` });
    });
    const responsesFile = path.join(dir, rec.responses);
    const responses = existsSync(responsesFile) ? readFileSync(responsesFile, 'utf8').split('\n') : [];
    responses.forEach((line, i) => {
      if (!line) return;
      report.responses += 1;
      const r = JSON.parse(line) as RecordedResponse;
      const isError = r.status >= 400 || /"error"\s*:/.test(r.body);
      const s = find(r.body, rec.secrets, (x) => !isError && x.allowed === 'success-responses');
      if (s) {
        report.hits.push({
          where: `${rec.responses}:${i + 1}`,
          test: rec.test,
          what: `${s.what} in ${isError ? 'an error' : 'a'} response`,
          request: `${r.method} ${r.path} → ${r.status}`,
        });
      }
    });
  }
  return report;
}

/** A human summary of a report (no secret values). */
export function formatReport(report: ScanReport, dir: string): string {
  const out = [`leak scan of ${dir}: ${report.stacks} stacks, ${report.logLines} log lines, ${report.responses} responses, ${report.secrets} secrets checked`];
  for (const u of report.unclosed) out.push(`  note: ${u} belongs to a stack that was never closed (its secrets are unknown)`);
  for (const h of report.hits) out.push(`  LEAK ${h.what}: ${path.join(dir, h.where)}${h.request ? ` (${h.request})` : ''}${h.test ? ` [${h.test}]` : ''}`);
  out.push(report.hits.length === 0 ? 'no secret found in any log line or error response' : `${report.hits.length} leak(s) found`);
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx test/leaks/scan.ts <folder>');
    process.exit(2);
  }
  const report = scanLeaks(dir);
  console.log(formatReport(report, dir));
  process.exit(report.hits.length > 0 || report.stacks === 0 ? 1 : 0);
}
