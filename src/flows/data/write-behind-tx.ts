/**
 * An `IdentityTx` that keeps the rows a transaction creates in memory and writes them at the end in a few multi-row
 * INSERTs (`insertMany`), for `weunion import`'s batches: most of an import's rows only create, and a statement per
 * row is where its time went (docs/BENCHMARKS.md "import"). The identity service runs on it unchanged.
 *
 * Why it is exact: a row is *pending* from its insert until `flush`. Nothing in the database can reference a pending
 * row (the foreign keys point at users that exist), so an operation whose rows are all pending — locking, moving,
 * merging, patching a user or identity created in this batch — is done on the pending copies, and one that could
 * touch a row in the database first flushes everything, then runs as a statement. Reads need no flush: a pending
 * key is answered from memory, any other from the database (or from `prefetch`'s one read of the batch's keys,
 * forgotten whenever a statement may have changed the database). Events are written in the order they were
 * appended. On PostgreSQL a concurrent writer's row makes the flush throw (a unique or foreign-key violation), or
 * a lock finds a user merged meanwhile: the caller rolls the batch back and does it row by row, as before.
 */
import type { AppIdentityRow, EventRow, IdentityTx, NewRows, UnionIdentityRow, UserRow } from '../../store/port.js';

const key = (a: string, b: string) => `${a}\u0000${b}`;

export class WriteBehindTx implements IdentityTx {
  readonly #tx: IdentityTx;
  #users = new Map<string, UserRow>();
  #app = new Map<string, AppIdentityRow>();
  #union = new Map<string, UnionIdentityRow>();
  #events: Omit<EventRow, 'id'>[] = [];
  /** What the database held for a key when last read in bulk (null: absent); cleared by any statement that writes. */
  #known = { app: new Map<string, AppIdentityRow | null>(), union: new Map<string, UnionIdentityRow | null>() };

  constructor(tx: IdentityTx) {
    this.#tx = tx;
  }

  /** Reads the given keys in one statement per table, so the rows' lookups need none. */
  async prefetch(app: readonly { appid: string; openid: string }[], union: readonly { unionKey: string; unionid: string }[]): Promise<void> {
    const [apps, unions] = await Promise.all([this.#tx.findAppIdentities(app), this.#tx.findUnionIdentities(union)]);
    for (const k of app) this.#known.app.set(key(k.appid, k.openid), null);
    for (const k of union) this.#known.union.set(key(k.unionKey, k.unionid), null);
    for (const r of apps) this.#known.app.set(key(r.appid, r.openid), r);
    for (const r of unions) this.#known.union.set(key(r.unionKey, r.unionid), r);
  }

  /** Writes the pending rows; they are then known to the bulk-read cache as the database now holds them. */
  async flush(): Promise<void> {
    const [users, app, union, events] = [this.#users, this.#app, this.#union, this.#events];
    if (users.size + app.size + union.size + events.length === 0) return;
    this.#users = new Map();
    this.#app = new Map();
    this.#union = new Map();
    this.#events = [];
    await this.#tx.insertMany({ users: [...users.values()], unionIdentities: [...union.values()], appIdentities: [...app.values()], events });
    for (const [k, r] of app) this.#known.app.set(k, r);
    for (const [k, r] of union) this.#known.union.set(k, r);
  }

  /** Runs a statement that may touch rows in the database: everything pending goes first, and what was read is forgotten. */
  async #statement<T>(fn: () => Promise<T>): Promise<T> {
    await this.flush();
    this.#known.app.clear();
    this.#known.union.clear();
    return fn();
  }

  async findAppIdentity(appid: string, openid: string): Promise<AppIdentityRow | undefined> {
    const k = key(appid, openid);
    const row = this.#app.get(k) ?? this.#known.app.get(k);
    if (row !== undefined) return row === null ? undefined : { ...row };
    return this.#tx.findAppIdentity(appid, openid);
  }

  async findUnionIdentity(unionKey: string, unionid: string): Promise<UnionIdentityRow | undefined> {
    const k = key(unionKey, unionid);
    const row = this.#union.get(k) ?? this.#known.union.get(k);
    if (row !== undefined) return row === null ? undefined : { ...row };
    return this.#tx.findUnionIdentity(unionKey, unionid);
  }

  async findUser(id: string): Promise<UserRow | undefined> {
    const user = this.#users.get(id);
    return user ? { ...user } : this.#tx.findUser(id);
  }

  /** A pending user is this transaction's own: no one else can see it, so there is nothing to lock. */
  async lockUser(id: string, mode: 'share' | 'update'): Promise<UserRow | undefined> {
    const user = this.#users.get(id);
    return user ? { ...user } : this.#tx.lockUser(id, mode);
  }

  async insertUser(row: UserRow): Promise<void> {
    // A pending duplicate goes to the database after the flush, which refuses it as a single INSERT would.
    if (this.#users.has(row.id)) return this.#statement(() => this.#tx.insertUser(row));
    this.#users.set(row.id, { ...row });
  }

  async insertAppIdentity(row: Parameters<IdentityTx['insertAppIdentity']>[0]): Promise<void> {
    const k = key(row.appid, row.openid);
    // The duplicate a single INSERT would refuse: a pending or already-written row (the flush catches the rest).
    if (this.#app.has(k) || this.#known.app.get(k)) return this.#statement(() => this.#tx.insertAppIdentity(row));
    this.#app.set(k, { subscribed: null, subscribedAt: null, pendingUnionid: null, ...row });
  }

  async insertUnionIdentity(row: Parameters<IdentityTx['insertUnionIdentity']>[0]): Promise<void> {
    const k = key(row.unionKey, row.unionid);
    if (this.#union.has(k) || this.#known.union.get(k)) return this.#statement(() => this.#tx.insertUnionIdentity(row));
    this.#union.set(k, { ...row, confirmed: row.confirmed !== false });
  }

  async confirmUnionIdentity(unionKey: string, unionid: string): Promise<void> {
    const row = this.#union.get(key(unionKey, unionid));
    if (row) row.confirmed = true;
    else await this.#statement(() => this.#tx.confirmUnionIdentity(unionKey, unionid));
  }

  async releaseUnionClaim(unionKey: string, unionid: string, claimantId: string): Promise<{ released: boolean; appIdentities: number }> {
    const k = key(unionKey, unionid);
    const row = this.#union.get(k);
    // All of a pending claimant's identities are pending too; anyone else's may be in the database.
    if (!row || !this.#users.has(claimantId)) return this.#statement(() => this.#tx.releaseUnionClaim(unionKey, unionid, claimantId));
    if (row.userId !== claimantId || row.confirmed) return { released: false, appIdentities: 0 };
    this.#union.delete(k);
    let appIdentities = 0;
    for (const a of this.#app.values()) {
      if (a.userId !== claimantId || a.unionid !== unionid) continue;
      a.unionid = null;
      a.pendingUnionid = unionid;
      appIdentities++;
    }
    return { released: true, appIdentities };
  }

  async updateAppIdentity(appid: string, openid: string, patch: Parameters<IdentityTx['updateAppIdentity']>[2]): Promise<void> {
    const row = this.#app.get(key(appid, openid));
    if (!row) return this.#statement(() => this.#tx.updateAppIdentity(appid, openid, patch));
    for (const [field, value] of Object.entries(patch)) if (value !== undefined) (row as unknown as Record<string, unknown>)[field] = value;
  }

  async moveIdentities(fromUserId: string, toUserId: string): Promise<{ app: number; union: number }> {
    if (!this.#users.has(fromUserId)) return this.#statement(() => this.#tx.moveIdentities(fromUserId, toUserId));
    const moved = { app: 0, union: 0 };
    for (const a of this.#app.values()) {
      if (a.userId !== fromUserId) continue;
      a.userId = toUserId;
      moved.app++;
    }
    for (const u of this.#union.values()) {
      if (u.userId !== fromUserId) continue;
      u.userId = toUserId;
      moved.union++;
    }
    return moved;
  }

  async markMerged(loserId: string, survivorId: string, at: number): Promise<void> {
    if (loserId === survivorId) throw new TypeError('cannot merge a user into itself');
    const loser = this.#users.get(loserId);
    if (!loser) return this.#statement(() => this.#tx.markMerged(loserId, survivorId, at));
    // Only a pending user can have been merged into a pending one (see the file's comment).
    for (const u of this.#users.values()) if (u.mergedInto === loserId) u.mergedInto = survivorId;
    loser.mergedInto = survivorId;
    loser.mergedAt = at;
  }

  /** A pending user has no phone number (numbers are set on users that exist, through the profile store). */
  async carryPhone(loserId: string, survivorId: string): Promise<boolean> {
    if (this.#users.has(loserId)) return false;
    return this.#statement(() => this.#tx.carryPhone(loserId, survivorId));
  }

  async appendEvent(event: Omit<EventRow, 'id'>): Promise<void> {
    this.#events.push(event);
  }

  findAppIdentities(keys: readonly { appid: string; openid: string }[]): Promise<AppIdentityRow[]> {
    return this.#statement(() => this.#tx.findAppIdentities(keys));
  }

  findUnionIdentities(keys: readonly { unionKey: string; unionid: string }[]): Promise<UnionIdentityRow[]> {
    return this.#statement(() => this.#tx.findUnionIdentities(keys));
  }

  insertMany(rows: NewRows): Promise<void> {
    return this.#statement(() => this.#tx.insertMany(rows));
  }
}
