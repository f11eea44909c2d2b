/**
 * The web SDK's refresh lock across the tabs of one origin: Web Locks serialise the refreshes, but a tab that had to
 * wait may still read the session the previous holder replaced, because localStorage reaches other renderer processes
 * a moment later (Chromium). So a waiter first waits for the `storage` event of the session key (at most
 * `settleMs`), then runs: it reads the new session and does not send the used refresh token (which would revoke it).
 */
import type { LocksLike } from './browser-like.js';

/** `window.addEventListener('storage', …)`: the event another tab's localStorage write fires here. */
export interface StorageEventTarget {
  addEventListener(type: 'storage', listener: (event: { key?: string | null }) => void): void;
  removeEventListener(type: 'storage', listener: (event: { key?: string | null }) => void): void;
}

export function tabLock(locks: LocksLike, name: string, key: string, events: StorageEventTarget | null, settleMs = 1000) {
  return <T>(work: () => Promise<T>): Promise<T> => {
    let changed = false;
    let wake: (() => void) | null = null;
    const onStorage = (event: { key?: string | null }) => {
      if (event.key !== key && event.key !== null) return;
      changed = true;
      wake?.();
    };
    events?.addEventListener('storage', onStorage);
    const settle = () =>
      changed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, settleMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
    return locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (lock !== null) return { ran: true as const, value: await work() };
        return { ran: false as const };
      })
      .then((first) =>
        first.ran
          ? first.value
          : locks.request(name, {}, async () => {
              if (events) await settle();
              return work();
            }),
      )
      .finally(() => events?.removeEventListener('storage', onStorage));
  };
}
