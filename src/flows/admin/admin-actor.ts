/**
 * Who acts through the admin API or CLI, and what a key limited to one union (tenant) may see: a user is visible to
 * such a key when one of its identities is in that union, and only that union's identities are shown.
 */
import type { Config } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import type { AppIdentityRow, UnionIdentityRow } from '../../store/port.js';

export interface AdminActor {
  /** The key's name (or `cli:<user>`): the `actor` of every event written. */
  name: string;
  /** The one union this actor may see; null = every union. */
  union: string | null;
}

export type AdminConfig = Pick<Config, 'apps' | 'unions'>;

/** The union of a configured app (null: bound to none, or no longer configured). */
export function unionOfApp(config: AdminConfig, appid: string): string | null {
  return config.apps.find((a) => a.appid === appid)?.union ?? null;
}

/** The unions a user's identities are in (bound apps' unions and union identities' keys). */
export function unionsOf(config: AdminConfig, apps: readonly Pick<AppIdentityRow, 'appid'>[], unions: readonly Pick<UnionIdentityRow, 'unionKey'>[]): string[] {
  const found = new Set<string>();
  for (const a of apps) {
    const u = unionOfApp(config, a.appid);
    if (u !== null) found.add(u);
  }
  for (const u of unions) found.add(u.unionKey);
  return [...found].sort();
}

/**
 * The union an admin action's event belongs to (its `data.unionKey`: the envelope's `union`, the feed's filter and
 * the webhook routing key): the user's one union, or the actor's own for a key limited to one; null for a user in
 * no union (or, for an unlimited actor, in several: no one union's endpoints should receive it).
 */
export function eventUnion(actor: AdminActor, unions: readonly string[]): string | null {
  if (actor.union !== null) return actor.union;
  return unions.length === 1 ? unions[0]! : null;
}

/** Whether `actor` may see a user whose identities are in `unions`. */
export function maySee(actor: AdminActor, unions: readonly string[]): boolean {
  return actor.union === null || unions.includes(actor.union);
}

/** Refuses (ERR_ADMIN_FORBIDDEN) an actor limited to another union. */
export function requireVisible(actor: AdminActor, unions: readonly string[]): void {
  if (!maySee(actor, unions)) throw new AppError('ERR_ADMIN_FORBIDDEN', { message: 'This user is outside the union this admin key is limited to.' });
}

/** Refuses an action that would leave identities of two unions on one user. */
export function requireOneUnion(unions: Iterable<string | null>): void {
  const distinct = new Set([...unions].filter((u): u is string => u !== null));
  if (distinct.size > 1) throw new AppError('ERR_ADMIN_CROSS_UNION', { details: { unions: [...distinct].sort() } });
}

/** A reason is required for every action: it is kept in the event, for whoever reads the history later. */
export function requireReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500) {
    throw new AppError('ERR_VALIDATION', {
      message: 'A reason (1–500 characters) is required for every admin action.',
      details: { fields: [{ field: 'reason', problem: 'required' }] },
    });
  }
  return reason.trim();
}
