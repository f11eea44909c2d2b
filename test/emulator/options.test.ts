import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { resolveEmulatorOptions } from '../../src/emulator/options.js';
import { MINI, OA } from './helpers.js';

describe('resolveEmulatorOptions()', () => {
  it('resolveEmulatorOptions() fills in the documented defaults and freezes the result', () => {
    const o = resolveEmulatorOptions({ apps: [MINI] });
    expect(o).toMatchObject({
      unionidRule: 'current',
      rotateSessionKeyOnLogin: false,
      codeTtlSeconds: 300,
      tokenTtlSeconds: 7200,
      tokenOverlapSeconds: 300,
      loginLimitPerMinute: 100,
      logger: false,
    });
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.apps[0])).toBe(true);
    expect(o.random(16)).toHaveLength(16);
  });

  it('resolveEmulatorOptions() defaults to a virtual clock over the system clock', () => {
    const o = resolveEmulatorOptions({ apps: [] });
    expect(Math.abs(o.clock.now() - Date.now())).toBeLessThan(1000);
    o.clock.advance(60);
    expect(o.clock.now() - Date.now()).toBeGreaterThan(59_000);
  });

  it('resolveEmulatorOptions() keeps a ManualClock and wraps a plain Clock so it can be advanced', () => {
    const manual = new ManualClock({ now: () => 5 });
    expect(resolveEmulatorOptions({ apps: [], clock: manual }).clock).toBe(manual);
    const wrapped = resolveEmulatorOptions({ apps: [], clock: { now: () => 1000 } }).clock;
    wrapped.advance(1);
    expect(wrapped.now()).toBe(2000);
  });

  it('resolveEmulatorOptions() throws TypeError when options are invalid', () => {
    expect(() => resolveEmulatorOptions({ apps: [MINI, { ...OA, appid: MINI.appid }] })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [{ ...MINI, kind: 'game' as never }] })).toThrow(/kind/);
    expect(() => resolveEmulatorOptions({ apps: [MINI], codeTtlSeconds: 0 })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], unionidRule: 'always' as never })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], logger: {} as never })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], typo: 1 } as never)).toThrow(TypeError);
  });
});
