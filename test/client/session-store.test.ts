import { describe, expect, it } from 'vitest';
import { createSessionStore } from '../../src/client/session-store.js';
import type { WxLike } from '../../src/client/wx-like.js';

function wxWith(storage: Map<string, unknown>): WxLike {
  return {
    login: () => undefined,
    request: () => undefined,
    getStorageSync: (k) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k, v) => void storage.set(k, v),
    removeStorageSync: (k) => void storage.delete(k),
  };
}
const session = { token: 't', userId: 'u', openid: 'o', unionid: null, expiresAt: 1 };

describe('createSessionStore()', () => {
  it('read() returns null when nothing is stored', () => {
    expect(createSessionStore(wxWith(new Map()), 'k').read()).toBeNull();
  });

  it('read() returns what write() stored, and null after clear()', () => {
    const store = createSessionStore(wxWith(new Map()), 'k');
    store.write(session);
    expect(store.read()).toEqual(session);
    store.clear();
    expect(store.read()).toBeNull();
  });

  it('read() accepts a session stored as JSON text', () => {
    const store = createSessionStore(wxWith(new Map([['k', JSON.stringify(session)]])), 'k');
    expect(store.read()).toEqual(session);
  });

  it('read() keeps the refresh token, and loads a session saved without one (older SDKs and servers)', () => {
    const store = createSessionStore(wxWith(new Map()), 'k');
    store.write({ ...session, refreshToken: 'r' });
    expect(store.read()).toEqual({ ...session, refreshToken: 'r' });
    store.write(session);
    expect(store.read()).toEqual(session);
    expect(store.read()).not.toHaveProperty('refreshToken');
  });

  it('read() returns null for a malformed value', () => {
    for (const bad of ['{not json', { ...session, token: 1 }, { ...session, unionid: undefined }, { ...session, refreshToken: 7 }, 42]) {
      expect(createSessionStore(wxWith(new Map([['k', bad]])), 'k').read()).toBeNull();
    }
  });

  it('read() returns null when wx storage throws', () => {
    const wx = {
      ...wxWith(new Map()),
      getStorageSync: () => {
        throw new Error('storage:fail');
      },
    };
    expect(createSessionStore(wx, 'k').read()).toBeNull();
  });
});
