export { EVENT_FIELDS, EVENT_TYPES, type KnownEventType, type PublicEvent, parsePublicEventId, publicEventId } from './event-types.js';
export { type LiveUserResolver, toPublicEvent } from './public-event.js';
export { decodeFeedCursor, encodeFeedCursor } from './feed-cursor.js';
