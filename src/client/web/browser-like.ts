/**
 * The slices of the browser the web SDK uses, typed minimally (the SDK compiles without the DOM library) so that
 * the real globals, a test double, or another runtime's fit. Each is injectable through `createWebClient`.
 */

/** `window.fetch`. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials: 'include' | 'same-origin'; signal?: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/** What an `EventSource` listener receives: a MessageEvent has `data`; a connection error has none. */
export interface EventLike {
  data?: unknown;
}

/** https://developer.mozilla.org/docs/Web/API/EventSource */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: EventLike) => void): void;
  close(): void;
}

export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

/** `localStorage` / `sessionStorage`, or anything with the same three calls. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** `navigator.locks` (https://developer.mozilla.org/docs/Web/API/LockManager/request): one holder per name across the origin's tabs. */
export interface LocksLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** `window.location`: where an OAuth login starts from and comes back to. */
export interface LocationLike {
  readonly href: string;
  assign(url: string): void;
}

/** A Map-backed StorageLike, for when there is no `localStorage` (or the page wants none). */
export function memoryStorage(): StorageLike {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}
