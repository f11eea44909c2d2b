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

  it('resolveEmulatorOptions() fills in the push, OAuth, QR and mini program extra defaults', () => {
    const o = resolveEmulatorOptions({ apps: [MINI], oauthCodeTtlSeconds: { web: 120 } });
    expect(o).toMatchObject({
      pushTimeoutMs: 5000,
      pushRetryDelayMs: 0,
      pushAttempts: 3,
      oauthCodeTtlSeconds: { oa: 300, web: 120, app: 600 },
      oauthTokenTtlSeconds: 7200,
      oauthRefreshTtlSeconds: 30 * 86_400,
      unionidForBaseScope: false,
      qrDefaultExpireSeconds: 30,
      userGetPageSize: 10_000,
      phoneCodeTtlSeconds: 300,
      paidUnionidWindowSeconds: 300,
    });
    expect(Object.isFrozen(o.oauthCodeTtlSeconds)).toBe(true);
  });

  it('resolveEmulatorOptions() throws TypeError for invalid push / OAuth options and callback settings', () => {
    expect(() => resolveEmulatorOptions({ apps: [MINI], pushTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], pushAttempts: 11 })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], userGetPageSize: 10_001 })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], qrDefaultExpireSeconds: 2_592_001 })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [MINI], oauthCodeTtlSeconds: { oa: 0 } })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [{ ...OA, token: 'a b' }] })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [{ ...OA, token: 'tok', callbackUrl: 'not a url' }] })).toThrow(TypeError);
    expect(() => resolveEmulatorOptions({ apps: [{ ...OA, messageMode: 'compatible' }] })).toThrow(/encodingAesKey/);
    const ok = resolveEmulatorOptions({ apps: [{ ...OA, token: 'tok', callbackUrl: 'http://127.0.0.1:1/cb', messageMode: 'plain' }] });
    expect(ok.apps[0]?.callbackUrl).toBe('http://127.0.0.1:1/cb');
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
