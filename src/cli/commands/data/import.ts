/** `weunion import --file users.jsonl|csv` (`weunion data import`): a business's existing users, resumably. */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { systemClock } from '../../../clock.js';
import { csvColumns, type ImportFormat, type ParsedLine, parseImportLine } from '../../../flows/data/import-row.js';
import { importUsers } from '../../../flows/data/import-users.js';
import { openDataContext } from '../../data-context.js';
import { createProgressLine } from '../../progress-line.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Brings a business's existing users into weunion: one row per line, appid, openid, unionid (optional) and
userId (optional: the business's own id, kept as ours when the row creates the user). JSON Lines
({"appid":…,"openid":…,"unionid":…,"userId":…}) or CSV (a header naming the columns, or these four in this order).
Each row is resolved as a login would be — created, linked, or merged by unionid — without marking the person seen.
Re-running changes nothing. A bad row is reported with its line number and skipped. The run keeps a cursor in the
database: stopped (Ctrl-C, --max-rows), it goes on from the line it reached.

options:
  --file <path>      the .jsonl or .csv file (required)
  --format jsonl|csv default: from the file's extension
  --dry-run          print what each row would do, change nothing (rows depending on each other are judged apart)
  --max-rows <n>     stop after n rows; the next run goes on from there
  --restart          ignore a stored cursor and start from the first line
  --quiet            no line per bad row

example:
  WEUNION_CONFIG=/etc/weunion.json npx weunion import --file users.csv --dry-run`;

async function* readLines(file: string, format: ImportFormat, onBytes: (n: number) => void): AsyncGenerator<{ lineNo: number; parsed: ParsedLine }> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let columns: string[] | undefined;
  for await (const line of rl) {
    lineNo++;
    onBytes(Buffer.byteLength(line) + 1);
    if (lineNo === 1 && format === 'csv') {
      columns = csvColumns(line);
      if (columns) continue; // a header
    }
    yield { lineNo, parsed: parseImportLine(line, format, columns) };
  }
}

async function run(ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: [...ctx.args],
    options: {
      file: { type: 'string' },
      format: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'max-rows': { type: 'string' },
      restart: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.file) {
    ctx.err('weunion import: --file is required (see weunion import --help)\n');
    return 1;
  }
  const file = path.resolve(ctx.cwd, values.file);
  const format = (values.format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl')) as ImportFormat;
  if (format !== 'csv' && format !== 'jsonl') {
    ctx.err('weunion import: --format is jsonl or csv\n');
    return 1;
  }
  const maxRows = values['max-rows'] === undefined ? undefined : Number(values['max-rows']);
  if (maxRows !== undefined && !(Number.isInteger(maxRows) && maxRows > 0)) {
    ctx.err('weunion import: --max-rows is a positive integer\n');
    return 1;
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    ctx.err(`weunion import: cannot read ${values.file}\n`);
    return 1;
  }
  // The same file (path and size) keeps one cursor; a file that changed starts over, which re-running allows.
  const cursorName = `import:${createHash('sha256').update(`${file}\0${size}`).digest('hex').slice(0, 32)}`;
  const data = await openDataContext(ctx);
  const progress = createProgressLine({ write: ctx.err, tty: process.stderr.isTTY === true, unit: 'lines' });
  let bytes = 0;
  let lines = 0;
  try {
    const summary = await importUsers(
      { identity: data.opened.store.identity, profile: data.opened.store.profile, data: data.opened.store.data, clock: systemClock, apps: data.config.apps },
      {
        lines: readLines(file, format, (n) => {
          bytes += n;
          lines++;
        }),
        cursorName,
        dryRun: values['dry-run'] === true,
        restart: values.restart === true,
        ...(maxRows !== undefined ? { maxRows } : {}),
        onRow: (lineNo, r) => {
          if (r.outcome === 'bad' && !values.quiet) ctx.err(`line ${lineNo}: skipped: ${r.text}\n`);
          else if (values['dry-run']) ctx.out(`line ${lineNo}: ${r.text}\n`);
        },
        onProgress: (lineNo) => progress.update(lineNo, bytes > 0 ? Math.max(lineNo, Math.round((size * lines) / bytes)) : undefined),
      },
    );
    progress.end();
    const o = summary.outcomes;
    const verb = values['dry-run'] ? 'would be' : 'were';
    if (summary.resumedAfterLine > 0) ctx.out(`resumed after line ${summary.resumedAfterLine}\n`);
    ctx.out(
      `${summary.rows} rows: ${o.created} created, ${o.linked} linked, ${o.merged} merged, ${o.unchanged} unchanged, ${o.held} held (${verb}); ` +
        `${summary.bad} bad rows skipped${summary.userIdNotKept > 0 ? `; ${summary.userIdNotKept} userIds not kept (the person was already someone else's)` : ''}\n`,
    );
    if (!summary.finished) ctx.out('stopped at --max-rows: run the same command again to go on\n');
    return 0;
  } finally {
    await data.close();
  }
}

export const dataImport: CliCommand = {
  name: 'data import',
  aliases: ['import'],
  summary: 'import existing users (appid, openid, unionid?, userId?) from JSON Lines or CSV',
  help: HELP,
  takesArgs: true,
  run,
};
