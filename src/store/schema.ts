/**
 * The Kysely view of weunion's tables. Column names are snake_case as stored; `kysely-store.ts` maps
 * rows to the camelCase shapes of `port.ts`. Times are epoch milliseconds in `bigint` columns (the
 * PostgreSQL pool parses int8 back to `number`, see `dialects/postgres.ts`).
 */
import type { Generated } from 'kysely';

/** One person, as we number them. A merged user stays as an alias (`merged_into` → survivor). */
export interface UsersTable {
  id: string;
  created_at: number;
  merged_into: string | null;
  merged_at: number | null;
  /** The phone number WeChat disclosed (0002); all four set together or all null. */
  phone_number: Generated<string | null>;
  phone_pure: Generated<string | null>;
  phone_country: Generated<string | null>;
  phone_at: Generated<number | null>;
  /** Set when the person was erased (0007): the row stays as a tombstone every id still resolves to. */
  erased_at: Generated<number | null>;
}

/** `(appid, openid)` → user; primary key `app_identities_pk` on `(appid, openid)`. */
export interface AppIdentitiesTable {
  appid: string;
  openid: string;
  user_id: string;
  unionid: string | null;
  /** AES-256-GCM sealed session_key; never logged, never returned by the API. */
  session_key_enc: string | null;
  first_seen_at: number;
  last_seen_at: number;
  /** Official accounts (0002): 1 following, 0 not, null never recorded. */
  subscribed: Generated<number | null>;
  subscribed_at: Generated<number | null>;
  /** A decrypted unionid held back because another user owns it (0004); null when none. */
  pending_unionid: Generated<string | null>;
}

/** `(union_key, unionid)` → user; primary key `union_identities_pk` on `(union_key, unionid)`. */
export interface UnionIdentitiesTable {
  union_key: string;
  unionid: string;
  user_id: string;
  created_at: number;
  /** 1: WeChat's own word (or a trusted app's) stands behind the link; 0: a decrypted claim (0004). */
  confirmed: Generated<number>;
}

/** Append-only outbox; `data` is JSON text. */
export interface EventsTable {
  id: Generated<number>;
  type: string;
  user_id: string;
  data: string;
  created_at: number;
  /** When the webhook router turned it into deliveries (0012); null: not yet. */
  routed_at: number | null;
  /** The writing transaction's id on PostgreSQL, 0 on SQLite and before 0014: the feed's order is (tx, id). */
  tx: Generated<number>;
}

/** Durable jobs (0002); `payload` is JSON text; `id` grows (identity / AUTOINCREMENT). */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  status: string;
  attempts: Generated<number>;
  run_at: number;
  locked_until: number | null;
  last_error: string | null;
  dedup_key: string | null;
  created_at: number;
  updated_at: number;
}

/** Short-lived flow records (0002); `data` is JSON text, `lookup_key` a copy of its string `lookupKey`. */
export interface FlowsTable {
  id: string;
  kind: string;
  status: string;
  data: string;
  lookup_key: string | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

/** The WeChat ids of erased identities, as SHA-256 digests only (0007; see admin-queries.ts `erasedKeyHash`). */
export interface ErasedIdentitiesTable {
  key_hash: string;
  /** 'app' | 'union' */
  kind: string;
  appid: string | null;
  union_key: string | null;
  user_id: string;
  erased_at: number;
}

/** A login's session (0006): every refresh token of one login belongs to it; `revoked_at` ends them all. */
export interface SessionFamiliesTable {
  id: string;
  appid: string;
  user_id: string;
  openid: string;
  created_at: number;
  revoked_at: number | null;
}

/** One refresh token (0006), by the SHA-256 of its text; `used_at` is set when it was rotated. */
export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Where long data runs (import, follower backfill) keep how far they got (0008); `value` is JSON text. */
export interface DataCursorsTable {
  name: string;
  value: string;
  updated_at: number;
}

/** What each official account's callbacks last showed (0011); see port/health-store.ts. */
export interface CallbackHealthTable {
  appid: string;
  last_ok_at: number | null;
  last_failure_at: number | null;
  last_failure_code: string | null;
  failures_since_ok: Generated<number>;
  skew_seconds: number | null;
  updated_at: number;
}

/** An endpoint id weunion has seen in its config (0012), and whether its receiver disabled it (410 Gone). */
export interface WebhookEndpointsTable {
  endpoint_id: string;
  first_seen_at: number;
  disabled_at: number | null;
  disabled_reason: string | null;
}

/** One event to one endpoint (0012); claimed with a lease like a job. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_id: number;
  endpoint_id: string;
  order_key: string;
  status: string;
  attempts: Generated<number>;
  next_at: number;
  locked_until: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** The session signing keys (0013); see port/signing-key-store.ts. JWKs are JSON text, the private one sealed. */
export interface SigningKeysTable {
  kid: string;
  public_jwk: string;
  private_jwk_sealed: string;
  created_at: number;
  retired_at: number | null;
}

/** Every table weunion owns (Kysely's own `kysely_migration*` tables are left out on purpose). */
export interface Database {
  users: UsersTable;
  app_identities: AppIdentitiesTable;
  union_identities: UnionIdentitiesTable;
  events: EventsTable;
  jobs: JobsTable;
  flows: FlowsTable;
  erased_identities: ErasedIdentitiesTable;
  session_families: SessionFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  data_cursors: DataCursorsTable;
  callback_health: CallbackHealthTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  signing_keys: SigningKeysTable;
}

/** The constraint names, identical on both dialects, carried by `UniqueViolationError.constraint`. */
export const CONSTRAINTS = {
  users: 'users_pk',
  app_identities: 'app_identities_pk',
  union_identities: 'union_identities_pk',
  flows: 'flows_pk',
  jobs: 'jobs_dedup_key_uq',
} as const;
