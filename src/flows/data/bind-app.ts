/**
 * `weunion apps bind`: the binding wave. An app that was bound to no Open Platform account is bound later (in the
 * WeChat console, then `apps[].union` in the config); its users so far are keyed by openid alone. Wherever WeChat
 * can give the unionid now it is asked and resolved through the identity service (linking, and merging with the
 * person's users of the other apps); an official account asks `user/info/batchget` 100 at a time. Other kinds have
 * no such call: their openid-only identities are counted as waiting for their next login, which then merges.
 */
import type { AppConfig } from '../../config/schema.js';
import type { IdentityService } from '../../identity/index.js';
import type { DataStore } from '../../store/port.js';
import type { FollowerSource } from './backfill-followers.js';

export interface BindReport {
  openidOnly: number;
  linked: number;
  merged: number;
  /** Asked, and WeChat gave no unionid (e.g. the account is not bound at WeChat's end yet). */
  noUnionid: number;
  /** Apps with no lookup call: identities that get their unionid at their next login. */
  waitingForLogin: number;
}

export interface BindDeps {
  identity: Pick<IdentityService, 'resolve'>;
  data: Pick<DataStore, 'listAppIdentitiesWithoutUnionid'>;
  /** The official account's batch lookup (only `batch` is used). */
  lookup?: Pick<FollowerSource, 'batch'>;
}

const PAGE = 100;

/** @example const report = await bindApp({ identity, data: store.data, lookup }, app); */
export async function bindApp(deps: BindDeps, app: AppConfig, onProgress?: (r: BindReport) => void): Promise<BindReport> {
  if (app.union === null) throw new TypeError(`bindApp: ${app.appid} is bound to no union in the config`);
  const r: BindReport = { openidOnly: 0, linked: 0, merged: 0, noUnionid: 0, waitingForLogin: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await deps.data.listAppIdentitiesWithoutUnionid(app.appid, { limit: PAGE, ...(after !== undefined ? { afterOpenid: after } : {}) });
    if (page.length === 0) break;
    after = page[page.length - 1]!.openid;
    r.openidOnly += page.length;
    if (app.kind !== 'officialAccount' || !deps.lookup) {
      r.waitingForLogin += page.length;
      continue;
    }
    const infos = await deps.lookup.batch(page.map((a) => a.openid));
    for (const info of infos) {
      if (!info.unionid) {
        r.noUnionid++;
        continue;
      }
      const res = await deps.identity.resolve({ unionKey: app.union, appid: app.appid, openid: info.openid, unionid: info.unionid }, { markSeen: false });
      if (res.mergedUserIds.length > 0) r.merged++;
      else if (res.linked) r.linked++;
    }
    onProgress?.(r);
  }
  return r;
}
