/**
 * The dashboard's figures (`GET /v1/admin/stats`, the console at /admin): users by state, unionid coverage per app,
 * merges per day, and the job queue. A key limited to one union sees only that union's apps, its live users and its
 * merges; the global figures it could not see (merged and erased users, the queue shared by all unions) are null.
 * Counted on request from the store (no cache): the console asks once per page view, not per login.
 */
import type { Clock } from '../../clock.js';
import type { DataStore, JobStore, UserCounts } from '../../store/port.js';
import type { AdminActor, AdminConfig } from './admin-actor.js';

const DAY_MS = 86_400_000;
/** Days of merges shown, today included. */
export const MERGE_DAYS = 14;
/** Merge events read at most: a wave larger than this in two weeks shows as this many (`mergesTruncated`). */
const MERGE_READ_LIMIT = 100_000;

export interface AppCoverage {
  appid: string;
  kind: string;
  union: string | null;
  identities: number;
  withUnionid: number;
  /** withUnionid / identities, 0–1; null when the app has no identities yet. */
  coverage: number | null;
}

export interface AdminStats {
  at: string;
  union: string | null;
  users: UserCounts;
  apps: AppCoverage[];
  /** One entry per UTC day, oldest first, `MERGE_DAYS` of them. */
  mergesPerDay: Array<{ day: string; merges: number }>;
  mergesTruncated: boolean;
  /** Job queue by status; null for a key limited to one union (the queue is shared). */
  jobs: Record<string, number> | null;
}

export interface AdminStatsDeps {
  config: AdminConfig;
  data: Pick<DataStore, 'countUsers' | 'countAppIdentities' | 'listMergesSince'>;
  jobs: Pick<JobStore, 'jobCounts'>;
  clock: Clock;
}

export async function adminStats(deps: AdminStatsDeps, actor: AdminActor): Promise<AdminStats> {
  const now = deps.clock.now();
  const apps = deps.config.apps.filter((a) => actor.union === null || a.union === actor.union);
  const coverage = await Promise.all(
    apps.map(async (a): Promise<AppCoverage> => {
      const c = await deps.data.countAppIdentities(a.appid);
      return {
        appid: a.appid,
        kind: a.kind,
        union: a.union ?? null,
        identities: c.total,
        withUnionid: c.withUnionid,
        coverage: c.total === 0 ? null : c.withUnionid / c.total,
      };
    }),
  );
  const users = actor.union === null ? await deps.data.countUsers() : await deps.data.countUsers(apps.map((a) => a.appid));
  const firstDay = Math.floor(now / DAY_MS) * DAY_MS - (MERGE_DAYS - 1) * DAY_MS;
  const merges = await deps.data.listMergesSince(firstDay, MERGE_READ_LIMIT);
  const perDay = new Array<number>(MERGE_DAYS).fill(0);
  for (const m of merges) {
    if (actor.union !== null && m.unionKey !== actor.union) continue;
    const i = Math.floor((m.at - firstDay) / DAY_MS);
    if (i >= 0 && i < MERGE_DAYS) perDay[i] = (perDay[i] ?? 0) + 1;
  }
  return {
    at: new Date(now).toISOString(),
    union: actor.union,
    users,
    apps: coverage,
    mergesPerDay: perDay.map((n, i) => ({ day: new Date(firstDay + i * DAY_MS).toISOString().slice(0, 10), merges: n })),
    mergesTruncated: merges.length >= MERGE_READ_LIMIT,
    jobs: actor.union === null ? { ...(await deps.jobs.jobCounts()) } : null,
  };
}
