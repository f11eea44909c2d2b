/**
 * FlowSignals (flows/ports.ts) for one process, and across instances over Redis pub/sub: `notify` wakes the local
 * waiters at once and publishes the key on one channel every instance subscribes to (a dedicated subscriber
 * connection, ioredis's rule for subscribe mode), which wakes theirs. Redis away: the publish fails quietly and
 * waiters fall back on their re-read timer.
 */
import type { Redis } from 'ioredis';
import type { FlowSignals } from '../flows/ports.js';

export interface ClosableFlowSignals extends FlowSignals {
  close(): Promise<void>;
}

const CHANNEL = 'weunion:flow-signals';

/** Waiters by key, woken in process. */
function localWaiters() {
  const waiters = new Map<string, Set<() => void>>();
  return {
    wake(key: string): void {
      const set = waiters.get(key);
      if (!set) return;
      waiters.delete(key);
      for (const w of set) w();
    },
    wait(key: string, ms: number, signal: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        if (signal.aborted || ms <= 0) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          const set = waiters.get(key);
          set?.delete(done);
          if (set?.size === 0) waiters.delete(key);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        let set = waiters.get(key);
        if (!set) waiters.set(key, (set = new Set()));
        set.add(done);
      });
    },
  };
}

/** In process only: a single instance (or a cluster without Redis, whose other instances re-read on their timer). */
export function createLocalFlowSignals(): ClosableFlowSignals {
  const local = localWaiters();
  return Object.freeze({ notify: local.wake, wait: local.wait, close: async () => undefined });
}

/**
 * @example
 *   const signals = createRedisFlowSignals(cache.redis);
 *   signals.notify('ql_…'); // every instance's waiters on 'ql_…' wake
 */
export function createRedisFlowSignals(redis: Redis): ClosableFlowSignals {
  const local = localWaiters();
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined); // the shared client reports outages already
  subscriber.on('message', (channel: string, key: string) => {
    if (channel === CHANNEL) local.wake(key);
  });
  void subscriber.subscribe(CHANNEL).catch(() => undefined);
  return Object.freeze({
    notify(key: string) {
      local.wake(key);
      void redis.publish(CHANNEL, key).catch(() => undefined);
    },
    wait: local.wait,
    async close() {
      subscriber.disconnect();
    },
  });
}
