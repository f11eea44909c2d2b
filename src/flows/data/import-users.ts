/**
 * `weunion import`: a business's existing users, one row `appid, openid, unionid?, userId?` at a time, resolved by
 * the identity service exactly as a login would be (docs/design.md "Resolving a login": create, link, merge by
 * unionid) but without marking the person seen. Re-running changes nothing (a row already in resolves to the same
 * user and writes nothing); a bad row is reported with its line number and skipped; a cursor in the database
 * (`data_cursors`) lets a stopped import go on from the line it reached.
 */
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import { createIdentityService, createUserId, resolveUserId } from '../../identity/index.js';
import type { DataStore, IdentityStore, ProfileStore } from '../../store/port.js';
import type { ImportRow, ParsedLine } from './import-row.js';

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

const CURSOR_EVERY = 500;

/** @example const summary = await importUsers(deps, { lines, cursorName: 'import:abc', dryRun: false }); */
export async function importUsers(deps: ImportDeps, run: ImportRun): Promise<ImportSummary> {
  const apps = new Map(deps.apps.map((a) => [a.appid, a]));
  let keep: string | null = null; // the userId the next created user takes
  const identity = createIdentityService({ identity: deps.identity, profile: deps.profile, clock: deps.clock, newId: () => keep ?? createUserId() });
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
  for await (const { lineNo, parsed } of run.lines) {
    if (lineNo <= after || parsed.ok === 'skip') continue;
    if (run.maxRows !== undefined && summary.rows + summary.bad >= run.maxRows) {
      summary.finished = false;
      break;
    }
    lastLine = lineNo;
    const report = parsed.ok ? await oneRow(parsed.row) : { outcome: 'bad' as const, text: parsed.reason };
    if (report.outcome === 'bad') summary.bad++;
    else {
      summary.rows++;
      summary.outcomes[report.outcome]++;
    }
    run.onRow?.(lineNo, report);
    if ((summary.rows + summary.bad) % CURSOR_EVERY === 0) {
      await save(lineNo);
      run.onProgress?.(lineNo, summary);
    }
  }
  run.onProgress?.(lastLine, summary);
  if (summary.finished && !run.dryRun) await deps.data.deleteCursor(run.cursorName);
  else await save(lastLine);
  return summary;

  async function oneRow(row: ImportRow): Promise<{ outcome: RowOutcome | 'bad'; text: string }> {
    const app = apps.get(row.appid);
    if (!app) return { outcome: 'bad', text: `appid ${row.appid} is not configured` };
    if (row.unionid !== null && app.union === null) return { outcome: 'bad', text: `a unionid was given but ${row.appid} is bound to no union` };
    const existing = await deps.identity.findAppIdentity(row.appid, row.openid);
    if (row.userId !== null && !existing && (await deps.identity.findUser(row.userId))) {
      const owner = row.unionid === null ? undefined : await ownerOf(app.union!, row.unionid);
      if (owner === undefined) {
        return { outcome: 'bad', text: `userId ${row.userId} is already another identity's, and without a unionid the two cannot be joined` };
      }
    }
    if (run.dryRun) return predict(app, row, existing?.userId);
    keep = row.userId;
    try {
      const r = await identity.resolve({ unionKey: app.union, appid: row.appid, openid: row.openid, unionid: row.unionid }, { markSeen: false });
      if (row.userId !== null && (await resolveUserId(deps.identity, row.userId)) !== r.userId) summary.userIdNotKept++;
      const outcome: RowOutcome = r.isNewUser ? 'created' : r.mergedUserIds.length > 0 ? 'merged' : r.held ? 'held' : r.linked ? 'linked' : 'unchanged';
      const merged = r.mergedUserIds.length > 0 ? ` (merged ${r.mergedUserIds.join(', ')})` : '';
      return { outcome, text: `${outcome} ${r.userId}${merged}` };
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
