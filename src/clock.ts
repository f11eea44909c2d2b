/** Time, injected everywhere so tests and the emulator can move it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and the emulator's virtual time. */
export class ManualClock implements Clock {
  #offsetMs: number;
  readonly #base: Clock;

  constructor(base: Clock = systemClock, offsetMs = 0) {
    this.#base = base;
    this.#offsetMs = offsetMs;
  }

  now(): number {
    return this.#base.now() + this.#offsetMs;
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}
