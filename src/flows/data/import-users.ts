/**
 * `weunion import`: a business's existing users, one row `appid, openid, unionid?, userId?` at a time, resolved by
 * the identity service exactly as a login would be (docs/design.md "Resolving a login": create, link, merge by
 * unionid) but without marking the person seen. Re-running changes nothing (a row already in resolves to the same
 * user and writes nothing); a bad row is reported with its line number and skipped; a cursor in the database
 * (`data_cursors`) lets a stopped import go on from the line it reached.
 *
 * Rows are written in batches: up to BATCH rows in one write transaction, each checked and resolved inside it exactly
 * as alone (resolve-in-tx.ts, the same locks), so the file is not paid one commit per row; the batch's keys are read
 * in one statement and the rows it creates written in a few multi-row INSERTs (write-behind-tx.ts), so it is not paid
 * several statements per row either. A batch that throws — a
 * race lost to a concurrent login on PostgreSQL, say — rolls back whole and is done again row by row, each row its
 * own retried transaction as before; the cursor only ever names a line whose batch has committed.
 */
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import { createIdentityService, createUserId, resolveInTx, resolveUserId } from '../../identity/index.js';
import type { DataStore, IdentityStore, IdentityTx, ProfileStore } from '../../store/port.js';
import type { ImportRow, ParsedLine } from './import-row.js';
import { WriteBehindTx } from './write-behind-tx.js';

export type RowOutcome = 'created' | 'linked' | 'merged' | 'unchanged' | 'held';

export interface ImportSummary {
  rows: number;
  bad: number;
  outcomes: Record<RowOutcome, number>;
  /** Rows whose userId could not be kept (the identity or its unionid already belonged to a user). */
  userIdNotKept: number;
  /** The line the run started after (0: from the start). */
  resumedAfterLine: number;
  /** False when `maxRows` stopped it early: the cursor is kept for the next run. */
  finished: boolean;
}

export interface ImportDeps {
  identity: IdentityStore;
  profile: Pick<ProfileStore, 'findUserPhone'>;
  data: Pick<DataStore, 'getCursor' | 'putCursor' | 'deleteCursor'>;
  clock: Clock;
  apps: readonly AppConfig[];
}

export interface ImportRun {
  lines: AsyncIterable<{ lineNo: number; parsed: ParsedLine }>;
  /** Where the cursor is kept, e.g. `import:<file key>`. */
  cursorName: string;
  dryRun: boolean;
  /** Stop after this many rows (the cursor stays): an import in slices. */
  maxRows?: number;
  /** Ignore a stored cursor and start from the first line. */
  restart?: boolean;
  onRow?: (lineNo: number, report: { outcome: RowOutcome | 'bad'; text: string }) => void;
  onProgress?: (lineNo: number, summary: ImportSummary) => void;
}

const CURSOR_EVERY = 1000;
/**
 * Rows per write transaction (CURSOR_EVERY is a multiple of it, so a cursor falls on a committed batch's end). A
 * commit writes every index page its batch dirtied, and random openids spread a batch over the whole index, so
 * fewer, larger batches share pages: 250 → 1,000 took the import from 0.43× to 0.62× of bulk seeding
 * (`npx tsx bench/import.ts`; the commits were 21 % of the run at 250). The price is how long a batch holds the write
 * lock (on SQLite the whole store's): about 45 ms at 1,000 rows (22,700 rows/s), the time a concurrent login may wait.
 */
const BATCH = 1000;

type RowReport = { outcome: RowOutcome | 'bad'; text: string };
type Lookups = Pick<IdentityTx, 'findAppIdentity' | 'findUser' | 'findUnionIdentity'>;

/** @example const summary = await importUsers(deps, { lines, cursorName: 'import:abc', dryRun: false }); */
export async function importUsers(deps: ImportDeps, run: ImportRun): Promise<ImportSummary> {
  const apps = new Map(deps.apps.map((a) => [a.appid, a]));
  let keep: string | null = null; // the userId the next created user takes
  const newId = () => keep ?? createUserId();
  const identity = createIdentityService({ identity: deps.identity, profile: deps.profile, clock: deps.clock, newId });
  const stored = run.restart ? undefined : ((await deps.data.getCursor(run.cursorName)) as { line?: number } | undefined);
  const after = typeof stored?.line === 'number' ? stored.line : 0;
  const summary: ImportSummary = {
    rows: 0,
    bad: 0,
    outcomes: { created: 0, linked: 0, merged: 0, unchanged: 0, held: 0 },
    userIdNotKept: 0,
    resumedAfterLine: after,
    finished: true,
  };
  let lastLine = after;
  const save = async (line: number) => {
    if (!run.dryRun) await deps.data.putCursor(run.cursorName, { line }, deps.clock.now());
  };
  /** The reads of `refusal` on the pool (the union identity is read in a transaction, as the port offers it). */
  const pool: Lookups = {
    findAppIdentity: (appid, openid) => deps.identity.findAppIdentity(appid, openid),
    findUser: (id) => deps.identity.findUser(id),
    findUnionIdentity: (unionKey, unionid) => deps.identity.transaction((tx) => tx.findUnionIdentity(unionKey, unionid)),
  };

  type Line = { lineNo: number; parsed: Exclude<ParsedLine, { ok: 'skip' }> };
  let batch: Line[] = [];
  const record = (lineNo: number, report: RowReport) => {
    if (report.outcome === 'bad') summary.bad++;
    else {
      summary.rows++;
      summary.outcomes[report.outcome]++;
    }
    run.onRow?.(lineNo, report);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const notKept = summary.userIdNotKept;
    const reports = run.dryRun
      ? await rowByRow(batch)
      : await inOneTransaction(batch).catch(() => {
          summary.userIdNotKept = notKept; // the batch is done again row by row, which counts afresh
          return rowByRow(batch);
        });
    for (const [i, report] of reports.entries()) record(batch[i]!.lineNo, report);
    const last = batch[batch.length - 1]!.lineNo;
    batch = [];
    if ((summary.rows + summary.bad) % CURSOR_EVERY === 0) {
      await save(last);
      run.onProgress?.(last, summary);
    }
  };
  for await (const { lineNo, parsed } of run.lines) {
    if (lineNo <= after || parsed.ok === 'skip') continue;
    if (run.maxRows !== undefined && summary.rows + summary.bad + batch.length >= run.maxRows) {
      summary.finished = false;
      break;
    }
    lastLine = lineNo;
    batch.push({ lineNo, parsed } as Line);
    if (batch.length === BATCH) await flush();
  }
  await flush();
  run.onProgress?.(lastLine, summary);
  if (summary.finished && !run.dryRun) await deps.data.deleteCursor(run.cursorName);
  else await save(lastLine);
  return summary;

  /** Each row alone (a dry run, or a batch that failed as a whole): the pool's reads and a transaction per row. */
  async function rowByRow(lines: Line[]): Promise<RowReport[]> {
    const reports: RowReport[] = [];
    for (const { parsed } of lines) reports.push(parsed.ok ? await oneRow(parsed.row) : { outcome: 'bad', text: parsed.reason });
    return reports;
  }

  /** The batch in one write transaction: every read goes through `tx` (on SQLite the pool is this one connection). */
  function inOneTransaction(lines: Line[]): Promise<RowReport[]> {
    return deps.identity.transaction(async (inner) => {
      // The batch's rows are created in memory and written in a few multi-row INSERTs (write-behind-tx.ts).
      const tx = new WriteBehindTx(inner);
      const rows = lines.flatMap((l) => (l.parsed.ok ? [l.parsed.row] : []));
      const unionOf = (r: ImportRow) => apps.get(r.appid)?.union ?? null;
      await tx.prefetch(
        rows,
        rows.flatMap((r) => (r.unionid !== null && unionOf(r) !== null ? [{ unionKey: unionOf(r)!, unionid: r.unionid }] : [])),
      );
      const reports: RowReport[] = [];
      for (const { parsed } of lines) {
        if (!parsed.ok) {
          reports.push({ outcome: 'bad', text: parsed.reason });
          continue;
        }
        const row = parsed.row;
        const app = apps.get(row.appid);
        const bad = await refusal(tx, row, app);
        if (bad !== undefined || !app) {
          reports.push({ outcome: 'bad', text: bad ?? '' });
          continue;
        }
        keep = row.userId;
        try {
          const r = await resolveInTx(
            tx,
            { newId, now: deps.clock.now(), touch: false },
            { unionKey: app.union, appid: row.appid, openid: row.openid, unionid: row.unionid },
          );
          if (row.userId !== null && (await resolveUserId(tx, row.userId)) !== r.userId) summary.userIdNotKept++;
          reports.push(report(r));
        } finally {
          keep = null;
        }
      }
      await tx.flush();
      return reports;
    });
  }

  /** Why the row cannot be imported, judged on the database as `store` sees it; undefined when it can. */
  async function refusal(store: Lookups, row: ImportRow, app: AppConfig | undefined): Promise<string | undefined> {
    if (!app) return `appid ${row.appid} is not configured`;
    if (row.unionid !== null && app.union === null) return `a unionid was given but ${row.appid} is bound to no union`;
    if (row.userId === null || (await store.findAppIdentity(row.appid, row.openid)) || !(await store.findUser(row.userId))) return undefined;
    const owner = row.unionid === null ? undefined : await store.findUnionIdentity(app.union!, row.unionid);
    if (owner === undefined) return `userId ${row.userId} is already another identity's, and without a unionid the two cannot be joined`;
    return undefined;
  }

  function report(r: Awaited<ReturnType<typeof identity.resolve>>): RowReport {
    const outcome: RowOutcome = r.isNewUser ? 'created' : r.mergedUserIds.length > 0 ? 'merged' : r.held ? 'held' : r.linked ? 'linked' : 'unchanged';
    const merged = r.mergedUserIds.length > 0 ? ` (merged ${r.mergedUserIds.join(', ')})` : '';
    return { outcome, text: `${outcome} ${r.userId}${merged}` };
  }

  async function oneRow(row: ImportRow): Promise<RowReport> {
    const app = apps.get(row.appid);
    const bad = await refusal(pool, row, app);
    if (bad !== undefined || !app) return { outcome: 'bad', text: bad ?? '' };
    if (run.dryRun) return predict(app, row, (await deps.identity.findAppIdentity(row.appid, row.openid))?.userId);
    keep = row.userId;
    try {
      const r = await identity.resolve({ unionKey: app.union, appid: row.appid, openid: row.openid, unionid: row.unionid }, { markSeen: false });
      if (row.userId !== null && (await resolveUserId(deps.identity, row.userId)) !== r.userId) summary.userIdNotKept++;
      return report(r);
    } finally {
      keep = null;
    }
  }

  async function ownerOf(unionKey: string, unionid: string): Promise<string | undefined> {
    return (await deps.identity.transaction((tx) => tx.findUnionIdentity(unionKey, unionid)))?.userId;
  }

  /** What `resolve` would do with the database as it is now (rows of the file that depend on each other are judged apart). */
  async function predict(app: AppConfig, row: ImportRow, current: string | undefined): Promise<{ outcome: RowOutcome; text: string }> {
    const owner = app.union !== null && row.unionid !== null ? await ownerOf(app.union, row.unionid) : undefined;
    const live = current === undefined ? undefined : await resolveUserId(deps.identity, current);
    if (live === undefined && owner === undefined) return { outcome: 'created', text: `would create a user${row.userId ? ` with id ${row.userId}` : ''}` };
    if (live === undefined) return { outcome: 'linked', text: `would join ${owner} (who owns the unionid)` };
    if (owner !== undefined && owner !== live) return { outcome: 'merged', text: `would merge ${live} into ${owner} (who owns the unionid)` };
    if (row.unionid !== null && owner === undefined) return { outcome: 'linked', text: `would link the unionid to ${live}` };
    return { outcome: 'unchanged', text: `already in (${live})` };
  }
}
