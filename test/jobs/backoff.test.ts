import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../../src/jobs/backoff.js';

describe('exponentialBackoff()', () => {
  it('doubles the ceiling per attempt from 1 s, with the delay in [ceiling/2, ceiling]', () => {
    const low = exponentialBackoff({ random: () => 0 });
    const high = exponentialBackoff({ random: () => 0.999_999 });
    expect([1, 2, 3, 4].map(low)).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map(high)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('caps the ceiling at 10 minutes, even for huge attempt numbers', () => {
    const b = exponentialBackoff({ random: () => 0.999_999 });
    expect(b(10)).toBe(512_000);
    expect(b(11)).toBe(600_000);
    expect(b(5000)).toBe(600_000);
  });

  it('spreads jobs that failed together using the injected random', () => {
    let r = 0;
    const b = exponentialBackoff({ random: () => (r = (r + 0.25) % 1) });
    expect(new Set([b(3), b(3), b(3)]).size).toBe(3);
  });

  it('honours baseMs and maxMs', () => {
    expect(exponentialBackoff({ baseMs: 100, maxMs: 300, random: () => 0 })(5)).toBe(150);
  });

  it('throws a TypeError for an attempt < 1 or bad options', () => {
    expect(() => exponentialBackoff()(0)).toThrow(TypeError);
    expect(() => exponentialBackoff({ baseMs: -1 })).toThrow(TypeError);
    expect(() => exponentialBackoff({ baseMs: 10, maxMs: 5 })).toThrow(TypeError);
  });
});
