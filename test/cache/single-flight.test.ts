import { describe, expect, it } from 'vitest';
import { createSingleFlight } from '../../src/cache/single-flight.js';

describe('createSingleFlight().run()', () => {
  it('runs fn once for concurrent callers of one key and separately per key', async () => {
    const flight = createSingleFlight();
    let runs = 0;
    const fn = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return { n: runs };
    };
    const [a, b, c] = await Promise.all([flight.run('k', fn), flight.run('k', fn), flight.run('other', fn)]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(runs).toBe(2);
  });

  it('forgets a key once its promise settles, resolved or rejected', async () => {
    const flight = createSingleFlight();
    let runs = 0;
    await flight.run('k', async () => ++runs);
    await expect(
      flight.run('k', async () => {
        runs++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await flight.run('k', async () => ++runs);
    expect(runs).toBe(3);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const flight = createSingleFlight();
    await expect(
      flight.run('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });
});
