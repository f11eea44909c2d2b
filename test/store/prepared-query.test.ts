import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../src/store/open-store.js';
import { prepareQuery } from '../../src/store/prepared-query.js';
import { sqliteBackend } from './store-backends.js';

describe('prepareQuery()', () => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await sqliteBackend().open();
    await opened.store.jobs.enqueueJob({ kind: 'a', payload: {}, runAt: 5, dedupKey: 'k1' });
    await opened.store.jobs.enqueueJob({ kind: 'b', payload: {}, runAt: 7, dedupKey: "k'2" });
  });
  afterAll(() => opened.close());

  it('binds each run’s values as parameters, keeps the query’s own constants, and never splices values into the SQL', async () => {
    const byKey = prepareQuery(['key'], (p) =>
      opened.db.selectFrom('jobs').select(['kind', 'dedup_key']).where('dedup_key', '=', p.key).where('status', '=', 'pending'),
    );
    expect(await byKey(opened.db, { key: "k'2" })).toEqual([{ kind: 'b', dedup_key: "k'2" }]);
    expect(await byKey(opened.db, { key: 'k1' })).toEqual([{ kind: 'a', dedup_key: 'k1' }]);
    expect(await byKey(opened.db, { key: "x' or '1'='1" })).toEqual([]);
  });

  it('refuses a placeholder the query does not use', () => {
    expect(() => prepareQuery(['key', 'unused'], (p) => opened.db.selectFrom('jobs').selectAll().where('dedup_key', '=', p.key))).toThrow(/unused/);
  });
});
