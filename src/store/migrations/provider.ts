/**
 * The static list of migrations. Listed by hand rather than read from a folder so the build, the
 * bundle and the tests all see the same set, and a missing file fails type-checking, not production.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { migration0001Initial } from './0001-initial.js';
import { migration0002JobsFlowsProfile } from './0002-jobs-flows-profile.js';
import { migration0003UnionKey } from './0003-union-key.js';
import { migration0004UnionidTrust } from './0004-unionid-trust.js';
import { migration0006SessionFamilies } from './0006-session-families.js';
import { migration0007AdminErase } from './0007-admin-erase.js';
import { migration0008DataCursors } from './0008-data-cursors.js';
import { migration0011CallbackHealth } from './0011-callback-health.js';
import { migration0012WebhookDeliveries } from './0012-webhook-deliveries.js';
import { migration0013SigningKeys } from './0013-signing-keys.js';
import { migration0014EventFeedOrder } from './0014-event-feed-order.js';
import { migration0015WebhookDueIndex } from './0015-webhook-due-index.js';
import { migration0016WebhookDropStatusIndex } from './0016-webhook-drop-status-index.js';

/** Every migration, by name; names sort in the order they apply. Never rename or remove one. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': migration0001Initial,
  '0002-jobs-flows-profile': migration0002JobsFlowsProfile,
  '0003-union-key': migration0003UnionKey,
  '0004-unionid-trust': migration0004UnionidTrust,
  '0006-session-families': migration0006SessionFamilies,
  '0007-admin-erase': migration0007AdminErase,
  '0008-data-cursors': migration0008DataCursors,
  '0011-callback-health': migration0011CallbackHealth,
  '0012-webhook-deliveries': migration0012WebhookDeliveries,
  '0013-signing-keys': migration0013SigningKeys,
  '0014-event-feed-order': migration0014EventFeedOrder,
  '0015-webhook-due-index': migration0015WebhookDueIndex,
  '0016-webhook-drop-status-index': migration0016WebhookDropStatusIndex,
});

/** The Kysely `MigrationProvider` over `MIGRATIONS`. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
