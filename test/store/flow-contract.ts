/**
 * The FlowStore contract, run on SQLite and PostgreSQL (`openPeer`: a second instance on the same data, when the
 * backend can share it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UniqueViolationError, type FlowRow, type WeunionStore } from '../../src/store/port.js';

const T0 = 1_800_000_000_123;
const TTL = 60_000;

export function flowStoreContract(open: () => Promise<WeunionStore>, openPeer?: () => Promise<WeunionStore>): void {
  describe('FlowStore contract', () => {
    let store: WeunionStore;
    let peer: WeunionStore;
    beforeEach(async () => {
      store = await open();
      peer = openPeer ? await openPeer() : store;
    });
    afterEach(async () => {
      if (peer !== store) await peer.close();
      await store.close();
    });

    const put = (id: string, extra: Partial<Omit<FlowRow, 'consumedAt' | 'createdAt'>> = {}, now = T0) =>
      store.flows.putFlow({ id, kind: 'login_code', status: 'issued', data: { userId: 'u_1' }, expiresAt: now + TTL, ...extra }, now);

    it('putFlow() stores a flow that findFlow() reads back; a duplicate id throws UniqueViolationError(flows_pk)', async () => {
      await put('lc_1', { data: { userId: 'u_1', n: 2, nested: { a: [1] } } });
      expect(await store.flows.findFlow('lc_1')).toEqual({
        id: 'lc_1',
        kind: 'login_code',
        status: 'issued',
        data: { userId: 'u_1', n: 2, nested: { a: [1] } },
        expiresAt: T0 + TTL,
        consumedAt: null,
        createdAt: T0,
      } satisfies FlowRow);
      expect(await store.flows.findFlow('lc_2')).toBeUndefined();
      const err = await put('lc_1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect((err as UniqueViolationError).constraint).toBe('flows_pk');
    });

    it('putFlow() throws a TypeError for an unknown kind, empty id or non-object data', async () => {
      await expect(put('x', { kind: 'nope' as FlowRow['kind'] })).rejects.toThrow(TypeError);
      await expect(put('')).rejects.toThrow(TypeError);
      await expect(put('x', { data: null as unknown as Record<string, unknown> })).rejects.toThrow(TypeError);
    });

    it('consumeFlow() returns the flow once, marked consumed; then, and for another kind, undefined', async () => {
      await put('lc_1');
      expect(await store.flows.consumeFlow('lc_1', 'oauth_state', T0 + 1)).toBeUndefined();
      expect(await store.flows.consumeFlow('lc_1', 'login_code', T0 + 1)).toMatchObject({ id: 'lc_1', consumedAt: T0 + 1, data: { userId: 'u_1' } });
      expect(await store.flows.consumeFlow('lc_1', 'login_code', T0 + 2)).toBeUndefined();
      expect(await store.flows.findFlow('lc_1')).toMatchObject({ consumedAt: T0 + 1 });
      expect(await store.flows.consumeFlow('lc_unknown', 'login_code', T0)).toBeUndefined();
    });

    it('consumeFlow() refuses an expired flow (expiresAt ≤ now)', async () => {
      await put('lc_1');
      expect(await store.flows.consumeFlow('lc_1', 'login_code', T0 + TTL)).toBeUndefined();
      expect((await store.flows.findFlow('lc_1'))?.consumedAt).toBeNull();
      expect(await store.flows.consumeFlow('lc_1', 'login_code', T0 + TTL - 1)).toBeDefined();
    });

    it('consumeFlow() by 20 concurrent callers on two instances gives the flow to exactly one', async () => {
      await put('lc_race');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? peer : store).flows.consumeFlow('lc_race', 'login_code', T0 + 1)));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('updateFlow() sets the status and shallow-merges data while the flow is open', async () => {
      await put('qr_1', { kind: 'qr_login', status: 'pending', data: { lookupKey: 's1', appid: 'wxOA', nested: { a: 1 } } });
      const updated = await store.flows.updateFlow('qr_1', { status: 'scanned', data: { openid: 'o1', nested: { b: 2 } } }, T0 + 1);
      expect(updated).toEqual({
        id: 'qr_1',
        kind: 'qr_login',
        status: 'scanned',
        data: { lookupKey: 's1', appid: 'wxOA', openid: 'o1', nested: { b: 2 } },
        expiresAt: T0 + TTL,
        consumedAt: null,
        createdAt: T0,
      });
      expect(await store.flows.findFlow('qr_1')).toEqual(updated);
      expect(await store.flows.updateFlow('qr_1', { data: { userId: 'u_9' } }, T0 + 2)).toMatchObject({
        status: 'scanned',
        data: { userId: 'u_9', openid: 'o1' },
      });
      expect(await store.flows.updateFlow('qr_nope', { status: 'x' }, T0)).toBeUndefined();
      expect(await store.flows.updateFlow('qr_1', { status: 'late' }, T0 + TTL)).toBeUndefined();
      await store.flows.consumeFlow('qr_1', 'qr_login', T0 + 3);
      expect(await store.flows.updateFlow('qr_1', { status: 'after' }, T0 + 4)).toBeUndefined();
      expect((await store.flows.findFlow('qr_1'))?.status).toBe('scanned');
    });

    it('updateFlow() by 10 concurrent callers on two instances loses no key of data', async () => {
      await put('qr_1', { kind: 'qr_login', status: 'pending', data: {} });
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).flows.updateFlow('qr_1', { data: { [`k${i}`]: i } }, T0 + 1)));
      expect(Object.keys((await store.flows.findFlow('qr_1'))!.data).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
    });

    it('findFlowByLookupKey() finds the newest open flow of a kind by data.lookupKey, and follows updates', async () => {
      await put('qr_old', { kind: 'qr_login', status: 'pending', data: { lookupKey: 'scene-1' } }, T0);
      await put('qr_new', { kind: 'qr_login', status: 'pending', data: { lookupKey: 'scene-1' } }, T0 + 5);
      await put('st_1', { kind: 'oauth_state', data: { lookupKey: 'scene-1' } }, T0);
      expect((await store.flows.findFlowByLookupKey('qr_login', 'scene-1'))?.id).toBe('qr_new');
      expect((await store.flows.findFlowByLookupKey('oauth_state', 'scene-1'))?.id).toBe('st_1');
      expect(await store.flows.findFlowByLookupKey('qr_login', 'scene-2')).toBeUndefined();
      await store.flows.consumeFlow('qr_new', 'qr_login', T0 + 6);
      expect((await store.flows.findFlowByLookupKey('qr_login', 'scene-1'))?.id).toBe('qr_old');
      // With `now`, an expired flow is not open.
      expect(await store.flows.findFlowByLookupKey('qr_login', 'scene-1', T0 + TTL)).toBeUndefined();
      expect((await store.flows.findFlowByLookupKey('qr_login', 'scene-1', T0 + TTL - 1))?.id).toBe('qr_old');
      // A new lookupKey moves the index.
      await store.flows.updateFlow('qr_old', { data: { lookupKey: 'scene-3' } }, T0 + 7);
      expect(await store.flows.findFlowByLookupKey('qr_login', 'scene-1')).toBeUndefined();
      expect((await store.flows.findFlowByLookupKey('qr_login', 'scene-3'))?.id).toBe('qr_old');
    });

    it('deleteExpiredFlows() deletes flows whose expiresAt ≤ now and counts them', async () => {
      await put('a', { expiresAt: T0 + 10 });
      await put('b', { expiresAt: T0 + 20 });
      await put('c', { expiresAt: T0 + 30 });
      expect(await store.flows.deleteExpiredFlows(T0 + 20)).toBe(2);
      expect(await store.flows.findFlow('a')).toBeUndefined();
      expect(await store.flows.findFlow('b')).toBeUndefined();
      expect(await store.flows.findFlow('c')).toBeDefined();
      expect(await store.flows.deleteExpiredFlows(T0 + 20)).toBe(0);
    });
  });
}
