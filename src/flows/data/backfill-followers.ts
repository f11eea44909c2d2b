/**
 * `weunion backfill followers`: walks an official account's followers — `user/get` pages of up to 10,000 openids,
 * `user/info/batchget` 100 at a time — and links every unionid found through the identity service, as the
 * official-account lookup job does, without marking anyone seen. Memory holds one page; the cursor (the page's
 * start) is stored in the database after each page, so a stopped walk goes on from there (re-doing at most one page,
 * which changes nothing). WeChat's 45009 (quota, https://developers.weixin.qq.com/doc/offiaccount/Message_Management/API_Call_Limits.html)
 * is waited out with a doubling back-off, then reported.
 */
import { AppError } from '../../errors.js';
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import type { IdentityService } from '../../identity/index.js';
import type { DataStore } from '../../store/port.js';

export interface FollowerSource {
  page(nextOpenid: string | undefined): Promise<{ total: number; openids: string[]; nextOpenid: string | null }>;
  /** 1–100 openids → their subscribe state and unionid (present only when the account is bound). */
  batch(openids: string[]): Promise<Array<{ openid: string; subscribe: boolean; unionid?: string | undefined }>>;
}

export interface BackfillDeps {
  identity: Pick<IdentityService, 'resolve'>;
  data: Pick<DataStore, 'getCursor' | 'putCursor' | 'deleteCursor'>;
  followers: FollowerSource;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

export interface BackfillSummary {
  followers: number;
  total: number;
  withUnionid: number;
  linked: number;
  created: number;
  merged: number;
  resumed: boolean;
}

const BATCH = 100;
const QUOTA = 45009;

/** Runs `fn`, waiting out 45009 with a doubling pause (1 s … 64 s, 7 tries) before giving up with the error. */
async function withBackoff<T>(deps: Pick<BackfillDeps, 'sleep'>, fn: () => Promise<T>, onWait?: (ms: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof AppError) || e.wechat?.errcode !== QUOTA || attempt >= 6) throw e;
      const ms = 1000 * 2 ** attempt;
      onWait?.(ms);
      await deps.sleep(ms);
    }
  }
}

/** @example const s = await backfillFollowers(deps, app, { onProgress: (s) => bar.update(s.followers, s.total) }); */
export async function backfillFollowers(
  deps: BackfillDeps,
  app: AppConfig,
  options: { restart?: boolean; onProgress?: (s: BackfillSummary) => void; onWait?: (ms: number) => void } = {},
): Promise<BackfillSummary> {
  const cursorName = `backfill:${app.appid}`;
  const stored = options.restart ? undefined : ((await deps.data.getCursor(cursorName)) as { next?: string; done?: number } | undefined);
  let next: string | undefined = stored?.next;
  const s: BackfillSummary = { followers: stored?.done ?? 0, total: 0, withUnionid: 0, linked: 0, created: 0, merged: 0, resumed: stored !== undefined };
  for (;;) {
    const page = await withBackoff(deps, () => deps.followers.page(next), options.onWait);
    s.total = page.total;
    for (let i = 0; i < page.openids.length; i += BATCH) {
      const infos = await withBackoff(deps, () => deps.followers.batch(page.openids.slice(i, i + BATCH)), options.onWait);
      for (const info of infos) {
        const unionid = app.union !== null && info.unionid ? info.unionid : null;
        if (unionid) s.withUnionid++;
        const r = await deps.identity.resolve({ unionKey: app.union, appid: app.appid, openid: info.openid, unionid }, { markSeen: false });
        if (r.isNewUser) s.created++;
        else if (r.mergedUserIds.length > 0) s.merged++;
        else if (r.linked) s.linked++;
      }
      s.followers += infos.length;
    }
    options.onProgress?.(s);
    if (page.nextOpenid === null) break;
    next = page.nextOpenid;
    await deps.data.putCursor(cursorName, { next, done: s.followers }, deps.clock.now());
  }
  await deps.data.deleteCursor(cursorName);
  return s;
}
