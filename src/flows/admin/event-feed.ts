/**
 * The pull feed (`GET /v1/admin/events`, docs/events.md "Pull feed"): the `events` outbox in commit order (0014), in the public
 * shapes (events/public-event.ts), paged by an opaque cursor. A key limited to one union reads that union's events
 * only. `waitMs` long-polls: with nothing after the cursor, the store is re-read every `recheckMs` (and at once on a
 * FlowSignals notify of `events`) until an event lands, the wait ends or `signal` aborts (the client left).
 */
import { decodeFeedCursor, encodeFeedCursor, type PublicEvent, toPublicEvent } from '../../events/index.js';
import { AppError } from '../../errors.js';
import type { AdminReads, DataStore } from '../../store/port.js';
import type { FlowSignals } from '../ports.js';
import type { AdminActor } from './admin-actor.js';
import { resolveAdminUser } from './live-user.js';

/** The key FlowSignals waiters of the feed listen on (a writer may notify it to cut the wait short). */
export const EVENTS_SIGNAL = 'events';

export interface EventFeedDeps {
  data: Pick<DataStore, 'listEventsAfter'>;
  users: Pick<AdminReads, 'findAdminUser'>;
  signals: Pick<FlowSignals, 'wait'>;
  recheckMs: number;
}

export interface EventPageQuery {
  after?: string | undefined;
  limit: number;
  types?: readonly string[] | undefined;
  waitMs: number;
}

export interface EventPage {
  events: PublicEvent[];
  /** Pass as `after` next time; the same cursor when the page is empty. */
  next: string;
  /** More events are there already: ask again at once. */
  hasMore: boolean;
}

export function createEventFeed(deps: EventFeedDeps) {
  const liveUser = async (userId: string) => (await resolveAdminUser(deps.users, userId))?.user.id ?? userId;
  async function read(actor: AdminActor, query: EventPageQuery, signal: AbortSignal): Promise<EventPage> {
    const after = query.after === undefined ? { tx: 0, id: 0 } : decodeFeedCursor(query.after);
    if (after === undefined) throw new AppError('ERR_EVENTS_CURSOR_INVALID');
    const filter = { ...(query.types?.length ? { types: query.types } : {}), ...(actor.union !== null ? { unionKey: actor.union } : {}) };
    // Waiting is real time (a socket held open), as the scan-to-follow long poll's is.
    const deadline = Date.now() + query.waitMs;
    for (;;) {
      // One row more than asked tells whether another page is already there.
      const rows = await deps.data.listEventsAfter(after, query.limit + 1, filter);
      const left = deadline - Date.now();
      if (rows.length > 0 || left <= 0 || signal.aborted) {
        const page = rows.slice(0, query.limit);
        const known = new Map<string, Promise<string>>();
        const resolve = (id: string) => known.get(id) ?? known.set(id, liveUser(id)).get(id)!;
        return {
          events: await Promise.all(page.map((r) => toPublicEvent(r, resolve))),
          next: page.length > 0 ? encodeFeedCursor(page[page.length - 1]!) : (query.after ?? encodeFeedCursor({ tx: 0, id: 0 })),
          hasMore: rows.length > query.limit,
        };
      }
      await deps.signals.wait(EVENTS_SIGNAL, Math.min(deps.recheckMs, left), signal);
    }
  }
  return Object.freeze({ read });
}

export type EventFeed = ReturnType<typeof createEventFeed>;
