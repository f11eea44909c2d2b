/**
 * `GET /v1/admin/events` (the pull feed) through HTTP on SQLite and PostgreSQL: paging returns every event once and
 * in order, the cursor outlives a restart, a long poll answers when an event lands (or empty at the end of its
 * wait), a union-limited key reads its union only, and bad input is a typed 400.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { APPS, UNION } from '../helpers/test-apps.js';
import { type RouteApp, startRouteApp } from '../helpers/route-app.js';
import { adminBackends, BETA_MP, KEYS, withAdmin } from './admin-app.js';

const feed = (api: RouteApp, query: string, key: string = KEYS.read) => api.call('GET', `/v1/admin/events${query}`, { token: key });

describe.each(await adminBackends())('admin events on %s', (_name, make) => {
  let api: RouteApp;
  beforeEach(async () => {
    api = await make();
  });
  afterEach(async () => api.close());
  const login = (openid: string, unionKey = UNION, appid: string = APPS.mp) => api.deps.identity.resolve({ unionKey, appid, openid });

  it('pages through every event exactly once, in order', async () => {
    for (let i = 0; i < 7; i++) await login(`o-page-${i}`);
    const seen: string[] = [];
    let after = '';
    let pages = 0;
    for (;;) {
      const r = await feed(api, `?limit=3${after ? `&after=${after}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.events.map((e: { id: string }) => e.id));
      after = r.body.next;
      pages++;
      if (!r.body.hasMore) break;
    }
    expect(pages).toBe(3);
    const ids = seen.map((id) => Number(id.slice(4)));
    expect(ids).toHaveLength(7);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(7);
    const again = await feed(api, `?after=${after}`);
    expect(again.body).toEqual({ events: [], next: after, hasMore: false });
    const first = (await feed(api, '?limit=1')).body.events[0];
    expect(first).toMatchObject({ type: 'user.created', union: UNION, data: { appid: APPS.mp, openid: 'o-page-0' } });
  });

  it('filters by type', async () => {
    await login('o-t-1');
    await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.oa, openid: 'o-t-oa', unionid: 'un-t' });
    await api.deps.identity.resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-t-1', unionid: 'un-t' }); // a merge
    const r = await feed(api, '?types=user.merged');
    expect(r.body.events.map((e: { type: string }) => e.type)).toEqual(['user.merged']);
  });

  it('answers a long poll when an event lands, and an empty page when the wait ends', async () => {
    await login('o-w-0');
    const { next } = (await feed(api, '')).body;
    const waiting = feed(api, `?after=${next}&wait=20`);
    await new Promise((r) => setTimeout(r, 300));
    await login('o-w-1');
    const r = await waiting;
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: { data: { openid: string } }) => e.data.openid)).toEqual(['o-w-1']);
    const empty = await feed(api, `?after=${r.body.next}&wait=1`);
    expect(empty.body).toEqual({ events: [], next: r.body.next, hasMore: false });
  });

  it('stops re-reading the store when a long-polling client leaves', async () => {
    const base = await api.listen();
    const data = api.deps.store.data;
    let reads = 0;
    const list = data.listEventsAfter.bind(data);
    data.listEventsAfter = (...args) => (reads++, list(...args));
    const gone = new AbortController();
    const poll = fetch(`${base}/v1/admin/events?wait=30`, { headers: { authorization: `Bearer ${KEYS.read}` }, signal: gone.signal });
    while (reads < 2) await new Promise((r) => setTimeout(r, 50)); // the poll is waiting (it re-read once)
    gone.abort();
    await expect(poll).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300)); // the close event reaches the server
    const afterLeaving = reads;
    await new Promise((r) => setTimeout(r, 600)); // three recheck intervals
    expect(reads).toBe(afterLeaving);
  });

  it('keeps a union-limited key to its union', async () => {
    await login('o-acme');
    await login('o-beta', 'beta', BETA_MP);
    const beta = await feed(api, '', KEYS.beta);
    expect(beta.body.events.map((e: { union: string }) => e.union)).toEqual(['beta']);
    const acme = await feed(api, '', KEYS.acme);
    expect(acme.body.events.map((e: { union: string }) => e.union)).toEqual([UNION]);
    expect((await feed(api, '')).body.events).toHaveLength(2);
  });

  it('files every admin action under the union of the user it concerns', async () => {
    const post = (url: string, body: unknown) => api.call('POST', url, { token: KEYS.write, body });
    const types = (key: string) => async () =>
      (await feed(api, '', key)).body.events.map((e: { type: string; union: string }) => [e.type, e.union]).filter(([t]: string[]) => t !== 'user.created');
    const beta = (await login('o-adm-beta', 'beta', BETA_MP)).userId;
    const a = (await login('o-adm-mp')).userId;
    const b = (await login('o-adm-oa', UNION, APPS.oa)).userId;
    expect((await post(`/v1/admin/users/${beta}/revoke-sessions`, { reason: 'lost phone' })).status).toBe(200);
    expect((await post('/v1/admin/users/merge', { survivorId: a, loserId: b, reason: 'one person' })).status).toBe(200);
    expect((await post(`/v1/admin/users/${beta}/erase`, { reason: 'deletion request' })).status).toBe(200);
    expect(await types(KEYS.beta)()).toEqual([
      ['sessions.revoked', 'beta'],
      ['user.erased', 'beta'],
    ]);
    expect(await types(KEYS.acme)()).toEqual([['user.merged', UNION]]);
  });

  it('refuses a bad cursor or limit with a typed 400, and a missing key with 401', async () => {
    for (const after of ['nope', Buffer.from('v2:1').toString('base64url'), Buffer.from('v1:-1').toString('base64url'), 'dj%3D%3D']) {
      const r = await feed(api, `?after=${after}`);
      expect([r.status, r.body.error.code]).toEqual([400, 'ERR_EVENTS_CURSOR_INVALID']);
    }
    for (const q of ['?limit=0', '?limit=1001', '?limit=x', '?wait=31', '?types=Bad', '?other=1']) {
      const r = await feed(api, q);
      expect([q, r.status, r.body.error.code]).toEqual([q, 400, 'ERR_VALIDATION']);
    }
    const r = await api.call('GET', '/v1/admin/events');
    expect([r.status, r.body.error.code]).toEqual([401, 'ERR_ADMIN_UNAUTHORIZED']);
  });
});

describe('admin events cursor across a restart (SQLite file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weunion-feed-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('goes on from where the last page ended', async () => {
    const storage = `sqlite:${join(dir, 'w.db')}`;
    const opened = await openStore(storage);
    const { error } = await opened.migrate();
    await opened.close();
    if (error) throw error;
    const start = () => startRouteApp({ configure: (c) => withAdmin(c, storage) });
    const first = await start();
    for (const o of ['o-r-1', 'o-r-2']) await first.deps.identity.resolve({ unionKey: UNION, appid: APPS.mp, openid: o });
    const page = (await feed(first, '')).body;
    expect(page.events).toHaveLength(2);
    await first.close();

    const second = await start();
    try {
      await second.deps.identity.resolve({ unionKey: UNION, appid: APPS.mp, openid: 'o-r-3' });
      const r = await feed(second, `?after=${page.next}`);
      expect(r.body.events.map((e: { data: { openid: string } }) => e.data.openid)).toEqual(['o-r-3']);
    } finally {
      await second.close();
    }
  });
});
