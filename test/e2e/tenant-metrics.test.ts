/**
 * GET /metrics in a deployment of two unions (tenants-world.ts), on SQLite and PostgreSQL, through HTTP: logins and
 * merges carry the app's union (`(none)` for an unbound app); webhook attempts are counted per union and endpoint
 * by result (delivered, retry, failed, gone); the webhook lag is the age of each endpoint's oldest unfinished
 * delivery, 0 once it drained.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { login } from '../helpers/login-flows.js';
import { parsePrometheus, type Sample, sampleSum } from '../helpers/prometheus-text.js';
import { ACME, BETA, BETA_MP, backends, drainWebhooks, METRICS_TOKEN, startWorld, type World } from './tenants-world.js';

async function scrape(w: World): Promise<Sample[]> {
  const res = await fetch(`${w.stack.serverUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

describe.each(await backends())('per-union metrics on %s', (_name, backend) => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('labels logins and merges with the union, and counts webhook attempts and lag per union and endpoint', async () => {
    // A one-second retry window: a delivery still failing a round (a virtual second) later is given up.
    const w = (world = await startWorld(backend, 'legacy', { retryWindowMs: 1000 }));
    const s = w.stack;
    const p = await s.createPerson({ declinesUserInfo: true });
    expect((await login(s, DEMO_APPS.mp1, p)).status).toBe(200); // no unionid yet
    await s.control(`/__emulator/persons/${p}/follow`, { appid: DEMO_APPS.oa });
    await s.settle();
    expect((await login(s, DEMO_APPS.mp1, p)).status).toBe(200); // the unionid now: the split user merges
    expect((await login(s, BETA_MP, await s.createPerson())).status).toBe(200);
    expect((await login(s, DEMO_APPS.mpUnbound, await s.createPerson())).status).toBe(200);

    w.receivers.acme.failNext(1); // one 503: retried
    w.receivers.beta.failNext(1, 410); // gone: the endpoint is disabled, its deliveries wait
    await s.deps.webhooks.runDue();
    s.clock.advance(30);
    await drainWebhooks(w, 3);
    let m = await scrape(w);
    const logins = (union: string) => sampleSum(m, 'weunion_logins_total', { union });
    expect([logins(ACME), logins(BETA), logins('(none)')]).toEqual([2, 1, 1]);
    expect(sampleSum(m, 'weunion_logins_total', { union: ACME, appid: DEMO_APPS.mp1, result: 'returning' })).toBe(1);
    expect([sampleSum(m, 'weunion_merges_total', { union: ACME }), sampleSum(m, 'weunion_merges_total', { union: BETA })]).toEqual([1, 0]);

    const attempts = (union: string, endpoint: string, result: string) => sampleSum(m, 'weunion_webhook_attempts_total', { union, endpoint, result });
    const acmeEvents = w.receivers.acme.accepted.length;
    expect(acmeEvents).toBeGreaterThanOrEqual(3);
    expect(attempts(ACME, 'crm-acme', 'delivered')).toBe(acmeEvents);
    expect(attempts(ACME, 'crm-acme', 'retry')).toBe(1);
    expect(attempts(BETA, 'crm-beta', 'gone')).toBe(1);
    expect(attempts(BETA, 'crm-beta', 'delivered')).toBe(0);
    const lag = (union: string, endpoint: string) => sampleSum(m, 'weunion_webhook_lag_seconds', { union, endpoint });
    expect(lag(ACME, 'crm-acme')).toBe(0);
    expect(lag(BETA, 'crm-beta')).toBeGreaterThanOrEqual(30); // disabled since: its delivery has waited 30 s and more

    await w.receivers.acme.down();
    expect((await login(s, DEMO_APPS.mp2, await s.createPerson())).status).toBe(200);
    await drainWebhooks(w, 3);
    m = await scrape(w);
    expect(attempts(ACME, 'crm-acme', 'retry')).toBe(2);
    expect(attempts(ACME, 'crm-acme', 'failed')).toBe(1);
    expect(lag(ACME, 'crm-acme')).toBe(0); // failed is finished: nothing left waiting
    expect(sampleSum(m, 'weunion_webhook_attempts_total', { union: BETA })).toBe(1);
  });
});
