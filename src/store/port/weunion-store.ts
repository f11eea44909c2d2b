/**
 * Everything a weunion deployment keeps in its database, as four sub-stores. A consumer depends on the slice it
 * uses (`IdentityStore`, `JobStore`, `FlowStore`, `ProfileStore`), never on the whole. One Kysely implementation
 * serves SQLite and PostgreSQL (`../kysely-store.ts`); `test/store/contract.ts` is the suite it passes.
 */
import type { AdminStore } from './admin-store.js';
import type { DataStore } from './data-store.js';
import type { HealthStore } from './health-store.js';
import type { FlowStore } from './flow-store.js';
import type { IdentityStore } from './identity-store.js';
import type { JobStore } from './job-store.js';
import type { ProfileStore } from './profile-store.js';
import type { SessionStore } from './session-store.js';
import type { WebhookStore } from './webhook-store.js';
import type { SigningKeyStore } from './signing-key-store.js';

export interface WeunionStore {
  readonly identity: IdentityStore;
  readonly jobs: JobStore;
  readonly flows: FlowStore;
  readonly profile: ProfileStore;
  /** The operators' reads and actions (issue 14). */
  readonly admin: AdminStore;
  /** Session families and refresh tokens (0006). */
  readonly sessions: SessionStore;
  /** The operators' data commands: cursors of long runs, walks over one app's identities (0008). */
  readonly data: DataStore;
  /** What the official accounts' callbacks last showed (0011), for `weunion doctor`. */
  readonly health: HealthStore;
  /** Webhook routing and deliveries (0012). */
  readonly webhooks: WebhookStore;
  /** The session signing keys every instance shares (0013). */
  readonly signingKeys: SigningKeyStore;
  /** Closes the pool / file. Idempotent. */
  close(): Promise<void>;
}
