import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_FIELDS, parsePublicEventId, toPublicEvent } from '../../src/events/index.js';

const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
const rows = new Map<string, string[]>();
for (const m of doc.matchAll(/^\|\s*`([a-z]+\.[a-z]+)`\s*\|([^|]*)\|/gm)) {
  rows.set(
    m[1]!,
    [...m[2]!.matchAll(/`([A-Za-z]+)`/g)].map((f) => f[1]!),
  );
}

describe('docs/events.md', () => {
  it('documents every event type with exactly its data fields', () => {
    for (const [type, fields] of Object.entries(EVENT_FIELDS)) {
      expect(rows.get(type), `${type} missing or its fields differ in docs/events.md`).toEqual([...fields]);
    }
  });
  it('documents no type the code does not have', () => {
    expect([...rows.keys()].filter((t) => !(t in EVENT_FIELDS))).toEqual([]);
  });
});

describe('toPublicEvent', () => {
  const stored: Record<string, Record<string, unknown>> = {
    'user.created': { appid: 'wxa', openid: 'o1', unionKey: 'acme', unionid: 'un1', confirmed: true },
    'identity.linked': { appid: 'wxa', openid: 'o1', unionKey: 'acme', unionid: 'un1', confirmed: false },
    'user.merged': {
      mergedUserId: 'u_a',
      movedAppIdentities: 2,
      movedUnionIdentities: 0,
      phoneCarried: true,
      appid: 'wxa',
      openid: 'o1',
      unionKey: 'acme',
      unionid: 'un1',
    },
    'identity.unlinked': { unionKey: 'acme', unionid: 'un1', reason: 'r', appIdentities: 1, by: { appid: 'wxa', openid: 'o2' } },
    'phone.bound': { appid: 'wxa', unionKey: 'acme', phoneNumber: '+86138', purePhoneNumber: '138', countryCode: '86' },
    'user.erased': { unionKey: 'acme', actor: 'admin:1', reason: 'request' },
    'sessions.revoked': { unionKey: 'acme', actor: 'admin:1', reason: 'lost phone' },
  };
  it('gives each type the envelope and exactly its documented data fields, resolving the live user', async () => {
    for (const [type, fields] of Object.entries(EVENT_FIELDS)) {
      const e = await toPublicEvent({ id: 7, type, userId: 'u_b', data: stored[type]!, createdAt: Date.UTC(2026, 0, 2) }, async () => 'u_live');
      expect(Object.keys(e.data).sort(), type).toEqual([...fields].sort());
      expect(e).toMatchObject({ id: 'evt_7', type, time: '2026-01-02T00:00:00.000Z', union: 'acme', userId: 'u_b', liveUserId: 'u_live' });
    }
  });
  it('passes a type it does not know through as stored', async () => {
    const e = await toPublicEvent(
      { id: 8, type: 'admin.note', userId: 'u', data: { unionKey: null, actor: 'x', reason: 'y' }, createdAt: 0 },
      async (id) => id,
    );
    expect(e).toMatchObject({ union: null, data: { actor: 'x', reason: 'y' } });
    expect(parsePublicEventId(e.id)).toBe(8);
    expect(parsePublicEventId('evt_0')).toBeUndefined();
  });
});
