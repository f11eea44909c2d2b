/**
 * An access_token killed upstream: another system force-refreshes the official account's stable token twice, 30 s
 * apart (docs/wechat-api.md §2.2: that kills every older token at once). weunion's cached token then gets 40001 on
 * the next user/info; it drops that token (only that one), fetches a new one once, and the job completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonOk } from '../helpers/http.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
afterEach(async () => stack?.close());

async function forceRefresh(): Promise<string> {
  const body = { grant_type: 'client_credential', appid: stack.apps.oa, secret: 'sandbox-secret-oa1', force_refresh: true };
  return (await jsonOk<{ access_token: string }>(`${stack.emulatorUrl}/cgi-bin/stable_token`, body)).access_token;
}

describe('access_token invalidated upstream', () => {
  it('a 40001 on a cached token is refetched once and the official-account lookup succeeds', async () => {
    stack = await startStack({ unionidRule: 'legacy' });
    const first = await stack.createPerson();
    await stack.control(`/__emulator/persons/${first}/follow`, { appid: stack.apps.oa });
    await stack.settle(); // weunion now holds a cached stable token
    expect((await stack.deps.store.identity.counts()).unionIdentities).toBe(1);

    await forceRefresh();
    await stack.control('/__emulator/clock', { advanceSeconds: 31 });
    await forceRefresh(); // weunion's token is dead now
    await stack.control('/__emulator/stats', undefined, 'DELETE');

    const second = await stack.createPerson();
    await stack.control(`/__emulator/persons/${second}/follow`, { appid: stack.apps.oa });
    await stack.settle();

    const stats = await stack.control<{ calls: Record<string, number> }>('/__emulator/stats', undefined, 'GET');
    expect(stats.calls['/cgi-bin/user/info']).toBe(2); // the 40001, then the retry
    expect(stats.calls['/cgi-bin/stable_token']).toBe(1); // exactly one refetch
    expect((await stack.deps.store.identity.counts()).unionIdentities).toBe(2);
    expect(await stack.deps.store.jobs.jobCounts()).toMatchObject({ failed: 0, pending: 0, running: 0 });
  });
});
