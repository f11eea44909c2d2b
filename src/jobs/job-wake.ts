/**
 * A wake-up line from whoever enqueues jobs to the runner that runs them: the enqueuer is built first and holds
 * the line, the runner is built after its handlers (which may be the very flows that enqueue) and listens on it.
 * So the composition root builds wake → flows → handlers → runner, with no late binding and no cycle.
 */
export interface JobWake {
  /** Asks every listening runner to look for due jobs now rather than at its next poll. */
  poke(): void;
  /** Listens; returns the function that stops listening. */
  listen(listener: () => void): () => void;
}

/**
 * @example
 *   const wake = createJobWake();
 *   const runner = createJobRunner({ store, clock, handlers, wake, … });
 *   await store.enqueueJob(job);
 *   wake.poke();
 */
export function createJobWake(): JobWake {
  const listeners = new Set<() => void>();
  return Object.freeze({
    poke: () => {
      for (const listener of listeners) listener();
    },
    listen(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  });
}
