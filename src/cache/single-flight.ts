/**
 * Single flight: concurrent callers asking for the same key share one in-flight promise.
 * The interface is the seam for a cross-instance version (e.g. a Redis lock + shared result).
 */

/** Runs `fn` once per key at a time; callers arriving meanwhile get the same outcome. */
export interface SingleFlight {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * In-process single flight: the entry is removed as soon as the promise settles, so results are never
 * cached (a later call with the same key runs `fn` again).
 * @example
 *   const flight = createSingleFlight();
 *   await Promise.all([flight.run('k', load), flight.run('k', load)]); // load() ran once
 */
export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const existing = inFlight.get(key);
      if (existing) return existing as Promise<T>;
      const p = (async () => fn())().finally(() => {
        if (inFlight.get(key) === p) inFlight.delete(key);
      });
      inFlight.set(key, p);
      return p;
    },
  };
}
