/**
 * The SQL of flow records (`FlowStore`): OAuth states, one-time login codes, scan-to-follow tickets. They live in
 * the shared database so that any instance can finish a flow another started; consuming one is a single
 * conditional UPDATE, so of two instances redeeming the same code at once exactly one gets it.
 */
import type { Kysely, Selectable } from 'kysely';
import { withDbErrors } from './db-errors.js';
import type { DialectName } from './dialects/dialect-name.js';
import type { Database, FlowsTable } from './schema.js';
import { writeTransaction } from './write-transaction.js';
import type { FlowKind, FlowRow, FlowStore } from './port.js';

const KINDS: readonly FlowKind[] = ['oauth_state', 'login_code', 'qr_login', 'callback_signature'];

/** `FlowStore` over the pool (`db`). */
export class FlowQueries implements FlowStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  putFlow(row: Omit<FlowRow, 'consumedAt' | 'createdAt'>, now: number): Promise<void> {
    try {
      checkId(row?.id);
      checkKind(row.kind);
      if (typeof row.status !== 'string' || row.status === '') throw new TypeError('flow status must be a non-empty string');
      checkData(row.data);
      checkTime(row.expiresAt, 'expiresAt');
      checkTime(now, 'now');
    } catch (e) {
      return Promise.reject(e);
    }
    return withDbErrors(async () => {
      await this.#db
        .insertInto('flows')
        .values({
          id: row.id,
          kind: row.kind,
          status: row.status,
          data: JSON.stringify(row.data),
          lookup_key: lookupKeyOf(row.data),
          expires_at: row.expiresAt,
          consumed_at: null,
          created_at: now,
        })
        .execute();
    });
  }

  findFlow(id: string): Promise<FlowRow | undefined> {
    return withDbErrors(async () => {
      const row = await this.#db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFlow(row);
    });
  }

  consumeFlow(id: string, kind: FlowKind, now: number): Promise<FlowRow | undefined> {
    try {
      checkTime(now, 'now');
    } catch (e) {
      return Promise.reject(e);
    }
    return withDbErrors(async () => {
      // PostgreSQL: a second UPDATE of the row waits for the first to commit, then re-checks `consumed_at is null`
      // on the new version and updates nothing. SQLite: one writer at a time.
      const row = await this.#db
        .updateTable('flows')
        .set({ consumed_at: now })
        .where('id', '=', id)
        .where('kind', '=', kind)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return row && toFlow(row);
    });
  }

  updateFlow(id: string, patch: { status?: string; data?: Record<string, unknown> }, now: number): Promise<FlowRow | undefined> {
    try {
      if (!patch || typeof patch !== 'object') throw new TypeError('patch must be an object');
      if (patch.status !== undefined && (typeof patch.status !== 'string' || patch.status === '')) {
        throw new TypeError('patch.status must be a non-empty string');
      }
      if (patch.data !== undefined) checkData(patch.data);
      checkTime(now, 'now');
    } catch (e) {
      return Promise.reject(e);
    }
    // Read, merge, write in one transaction; the row lock (PostgreSQL) keeps a concurrent consume or update out
    // until we commit, and makes us re-read the row if one committed first.
    return writeTransaction(this.#db, this.#dialect, async (trx) => {
      let query = trx.selectFrom('flows').selectAll().where('id', '=', id).where('consumed_at', 'is', null).where('expires_at', '>', now);
      if (this.#dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      const data = { ...(JSON.parse(row.data) as Record<string, unknown>), ...patch.data };
      const next = { ...row, status: patch.status ?? row.status, data: JSON.stringify(data), lookup_key: lookupKeyOf(data) };
      await trx.updateTable('flows').set({ status: next.status, data: next.data, lookup_key: next.lookup_key }).where('id', '=', id).execute();
      return toFlow(next);
    });
  }

  findFlowByLookupKey(kind: FlowKind, lookupKey: string, now?: number): Promise<FlowRow | undefined> {
    if (typeof lookupKey !== 'string') return Promise.reject(new TypeError('lookupKey must be a string'));
    if (now !== undefined && !Number.isSafeInteger(now)) return Promise.reject(new TypeError('now must be an integer (epoch ms)'));
    return withDbErrors(async () => {
      let query = this.#db.selectFrom('flows').selectAll().where('kind', '=', kind).where('lookup_key', '=', lookupKey).where('consumed_at', 'is', null);
      if (now !== undefined) query = query.where('expires_at', '>', now);
      const row = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row && toFlow(row);
    });
  }

  deleteExpiredFlows(now: number): Promise<number> {
    try {
      checkTime(now, 'now');
    } catch (e) {
      return Promise.reject(e);
    }
    return withDbErrors(async () => {
      const result = await this.#db.deleteFrom('flows').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}

function lookupKeyOf(data: Record<string, unknown>): string | null {
  return typeof data.lookupKey === 'string' ? data.lookupKey : null;
}

function checkId(id: unknown): void {
  if (typeof id !== 'string' || id === '') throw new TypeError('flow id must be a non-empty string');
}

function checkKind(kind: unknown): void {
  if (!KINDS.includes(kind as FlowKind)) throw new TypeError(`flow kind must be one of ${KINDS.join(', ')}`);
}

function checkData(data: unknown): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('flow data must be a plain object');
}

function checkTime(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be an integer (epoch ms)`);
}

function toFlow(r: Selectable<FlowsTable>): FlowRow {
  return {
    id: r.id,
    kind: r.kind as FlowKind,
    status: r.status,
    data: JSON.parse(r.data) as Record<string, unknown>,
    expiresAt: Number(r.expires_at),
    consumedAt: r.consumed_at === null ? null : Number(r.consumed_at),
    createdAt: Number(r.created_at),
  };
}
