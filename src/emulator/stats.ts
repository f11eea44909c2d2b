/** Call counters per WeChat path, counted before faults apply (so a faulted call still counts). */
export class CallStats {
  readonly #calls = new Map<string, number>();

  count(path: string): void {
    this.#calls.set(path, (this.#calls.get(path) ?? 0) + 1);
  }

  snapshot(): { calls: Record<string, number> } {
    return { calls: Object.fromEntries(this.#calls) };
  }

  clear(): void {
    this.#calls.clear();
  }
}
