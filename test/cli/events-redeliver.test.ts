/**
 * `weunion events redeliver` and `events enable-endpoint` as processes on a SQLite file: one event or a time range
 * queued again (deliveries the router never made included), bad arguments refused before anything opens, --help
 * never acts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createIdentityService } from '../../src/identity/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli-process.js';

const MP = 'wxcli0000000000mp1';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('weunion events redeliver / enable-endpoint', () => {
  it('queues one event or a range again, for the endpoints the events fit', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'weunion-redeliver-'));
    const url = `sqlite:${path.join(cwd, 'w.db')}`;
    writeFileSync(
      path.join(cwd, 'weunion.config.json'),
      JSON.stringify({
        storage: url,
        unions: [{ id: 'acme' }],
        apps: [{ appid: MP, secret: 's', kind: 'miniprogram', union: 'acme' }],
        webhooks: { allowPrivateAddresses: true, endpoints: [{ id: 'crm', union: 'acme', url: 'http://127.0.0.1:9/hooks', secret: SECRET }] },
      }),
    );
    const opened = await openStore(url);
    const { error } = await opened.migrate();
    if (error) throw error;
    const clock = new ManualClock();
    const identity = createIdentityService({ identity: opened.store.identity, profile: opened.store.profile, clock });
    for (const o of ['o-1', 'o-2', 'o-3']) await identity.resolve({ unionKey: 'acme', appid: MP, openid: o });
    // The endpoint is seen after the events: the router gives it none of them (no replay of history).
    clock.advance(10);
    await opened.store.webhooks.registerEndpoints(['crm'], clock.now());
    await opened.store.webhooks.routeEvents({ now: clock.now(), limit: 100, targets: [{ endpointId: 'crm', union: 'acme', types: [] }] });
    expect(await opened.store.webhooks.listDeliveries({ limit: 10 })).toEqual([]);
    await opened.store.webhooks.disableEndpoint('crm', clock.now(), 'the receiver answered 410 Gone');
    await opened.close();
    const cli = (args: string[]) => runCli(args, { cwd, env: { USER: 'alice' } });

    const one = await cli(['events', 'redeliver', '--event', 'evt_2']);
    expect([one.code, one.out]).toEqual([0, '1 delivery queued\n']);
    const range = await cli(['events', 'redeliver', '--from', '2000-01-01T00:00:00Z']);
    expect([range.code, range.out]).toEqual([0, '3 deliveries queued\n']);
    const none = await cli(['events', 'redeliver', '--from', '2000-01-01T00:00:00Z', '--to', '2000-01-02T00:00:00Z']);
    expect(none.out).toBe('0 deliveries queued\n');

    for (const args of [
      ['--event', 'evt_x'],
      ['--event', 'evt_1', '--from', '2000-01-01T00:00:00Z'],
      ['--from', 'yesterday'],
      [],
      ['--event', 'evt_1', '--endpoint', 'nope'],
    ]) {
      const bad = await cli(['events', 'redeliver', ...args]);
      expect(bad.code, args.join(' ')).toBe(1);
    }
    const help = await cli(['events', 'redeliver', '--help']);
    expect([help.code, help.out]).toEqual([0, expect.stringContaining('examples:')]);

    const enable = await cli(['events', 'enable-endpoint', 'crm']);
    expect([enable.code, enable.out]).toEqual([0, 'endpoint crm enabled\n']);
    expect((await cli(['events', 'enable-endpoint', 'crm'])).out).toContain('was not disabled');

    const check = await openStore(url);
    try {
      const rows = await check.store.webhooks.listDeliveries({ limit: 10 });
      expect(rows.map((r) => [r.eventId, r.endpointId, r.status])).toEqual([
        [1, 'crm', 'pending'],
        [2, 'crm', 'pending'],
        [3, 'crm', 'pending'],
      ]);
      const [state] = await check.store.webhooks.registerEndpoints([], Date.now());
      expect(state?.disabledAt).toBeNull();
    } finally {
      await check.close();
    }
  }, 90_000);
});
