/** What every admin action needs: the apps and unions, the admin store, the clock, new user ids, retry tuning. */
import type { Clock } from '../../clock.js';
import type { RetryOptions } from '../../identity/index.js';
import type { AdminStore } from '../../store/port.js';
import type { AdminConfig } from './admin-actor.js';

export interface AdminActionDeps {
  config: AdminConfig;
  store: AdminStore;
  clock: Clock;
  newId: () => string;
  retry?: RetryOptions;
}
