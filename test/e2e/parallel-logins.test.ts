/**
 * One person logging in 50 times at once across two mini programs, through the HTTP API, on SQLite and on
 * PostgreSQL: exactly one live user, both identities on it, no error surfaced (conflicts are retried inside).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { login } from '../helpers/login-flows.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';
import { startStack, type Stack } from '../helpers/stack.js';

// Without CI=true an unreachable PostgreSQL skips its half (postgresAvailable warns); with CI=true it throws.
const pg = await postgresAvailable();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});

const backends: Array<[string, () => Promise<string | undefined>]> = [['SQLite', async () => undefined]];
if (pg) {
  backends.push([
    'PostgreSQL',
    async () => {
      const s = await createTestSchema();
      schemas.push(s);
      return s.url;
    },
  ]);
}

describe.each(backends)('50 parallel logins of one person (%s)', (_name, storage) => {
  it.each(['current', 'legacy'] as const)('end on exactly one live user (unionid rule %s)', async (rule) => {
    const url = await storage();
    const stack: Stack = await startStack({ unionidRule: rule, ...(url ? { storage: url } : {}) });
    try {
      const p = await stack.createPerson();
      if (rule === 'legacy') await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
      const apps = [stack.apps.mp1, stack.apps.mp2];
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(stack, apps[i % 2]!, p)));
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      const ids = new Set(results.map((r) => r.body.userId));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.body.isNewUser).length).toBe(1);
      expect(await stack.deps.store.identity.counts()).toMatchObject({ users: 1, liveUsers: 1, appIdentities: 2, unionIdentities: 1 });
    } finally {
      await stack.close();
    }
  });

  it('heal a split: 25 openid-only logins, then 50 parallel logins carrying the unionid → one live user', async () => {
    const url = await storage();
    const stack: Stack = await startStack({ unionidRule: 'legacy', ...(url ? { storage: url } : {}) });
    try {
      const p = await stack.createPerson();
      const early = await Promise.all(Array.from({ length: 25 }, (_, i) => login(stack, [stack.apps.mp1, stack.apps.mp2][i % 2]!, p)));
      for (const r of early) expect(r.status).toBe(200);
      expect(new Set(early.map((r) => r.body.userId)).size).toBe(2); // one openid-only user per app: split
      await stack.control(`/__emulator/persons/${p}/follow`, { appid: stack.apps.oa });
      const late = await Promise.all(Array.from({ length: 50 }, (_, i) => login(stack, [stack.apps.mp1, stack.apps.mp2][i % 2]!, p)));
      for (const r of late) expect(r.status, JSON.stringify(r.body)).toBe(200);
      const survivor = late[0]!.body.userId;
      expect(new Set(late.map((r) => r.body.userId))).toEqual(new Set([survivor]));
      const viaOld = await Promise.all(early.map((r) => stack.api('/v1/me', undefined, { token: r.body.token })));
      expect(new Set(viaOld.map((r) => r.body.userId))).toEqual(new Set([survivor]));
      expect(await stack.deps.store.identity.counts()).toMatchObject({ users: 2, liveUsers: 1, appIdentities: 2, unionIdentities: 1 });
    } finally {
      await stack.close();
    }
  });
});
