/**
 * Scan-to-follow across instances: two weunion instances on one PostgreSQL schema, one emulator. The page waits on
 * instance B (long poll, then server-sent events) while WeChat's push lands on instance A and A's job finishes the
 * login: B notices — through Redis pub/sub when the instances share a Redis (a wake-up from A), and by re-reading
 * the shared store on its timer when they do not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { DEMO_APPS, demoConfig } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { buildApp } from '../../src/server/app.js';
import { compose, type Composed } from '../../src/compose/compose.js';
import { emulatorAppsFor } from '../../src/cli/sandbox/emulator-apps.js';
import { createCookieJar } from '../helpers/cookie-jar.js';
import { jsonOk } from '../helpers/http.js';
import { settlesWithin } from '../helpers/hang-guard.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';
import { redisAvailable, TEST_REDIS_URL, testKeyPrefix } from '../helpers/redis.js';

const pgUp = await postgresAvailable();
const redisUp = await redisAvailable();
const keys = testKeyPrefix();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
  if (redisUp) await keys.clean();
});
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Instance {
  url: string;
  composed: Composed;
}

async function twoInstancesOnOneDatabase(
  options: { redis?: boolean; recheckMs?: number } = {},
): Promise<{ a: Instance; b: Instance; emulator: Emulator; wx: string }> {
  const schema = await createTestSchema();
  schemas.push(schema);
  const clock = new ManualClock();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'weunion-qr2-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const emulator = createEmulator({ apps: emulatorAppsFor(parseConfig(demoConfig())), unionidRule: 'current', clock, logger: false });
  const wx = await emulator.listen();
  cleanups.push(() => emulator.close());
  const config = parseConfig({
    ...demoConfig({ port: 0, dataDir }), // both instances share the data folder, hence the keys
    storage: schema.url,
    wechat: { baseUrl: wx, openBaseUrl: wx, mpBaseUrl: wx },
    // Other test files log in from 127.0.0.1 too, and with Redis the per-IP counters are shared: not this test's subject.
    rateLimit: { perIpPerMinute: 1_000_000, perAppPerMinute: 1_000_000 },
    ...(options.redis ? { cache: `${TEST_REDIS_URL}?keyPrefix=${encodeURIComponent(keys.prefix)}` } : {}),
    ...(options.recheckMs ? { flows: { qrLoginRecheckMs: options.recheckMs } } : {}),
  });
  const start = async (migrate: boolean): Promise<Instance> => {
    const composed = await compose(config, { clock, migrate });
    const app = await buildApp(composed.deps);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await app.close();
      await composed.close();
    });
    return { url, composed };
  };
  const a = await start(true);
  const b = await start(false); // the schema is already current: B starts in the default `check` mode
  emulator.configureApp(DEMO_APPS.oa, { callbackUrl: `${a.url}/v1/oa/${DEMO_APPS.oa}/callback` });
  return { a, b, emulator, wx };
}

const post = <T = any>(url: string, body: unknown = {}): Promise<T> => jsonOk<T>(url, body);

// Needs PostgreSQL: skipped only off CI where it is unreachable; under CI=true postgresAvailable() throws instead.
describe.runIf(pgUp)('scan-to-follow login across two instances (PostgreSQL)', () => {
  it('a long poll on B sees the scan A received; B’s event stream sees A’s job finish; B exchanges the code', async () => {
    const { a, b, emulator, wx } = await twoInstancesOnOneDatabase();
    const browser = createCookieJar(); // the page: its cookie binds the login code to it, on any instance
    const person = (await post<{ id: string }>(`${wx}/__emulator/persons`)).id;
    const qr = (await (await browser.fetch(`${a.url}/v1/oa/${DEMO_APPS.oa}/qr-login`, { method: 'POST' })).json()) as { id: string; ticket: string };

    const waiting = browser.fetch(`${b.url}/v1/qr-login/${qr.id}?wait=10`).then((r) => r.json() as Promise<any>);
    await new Promise((r) => setTimeout(r, 300));
    const scan = await post<{ pushId: string }>(`${wx}/__emulator/persons/${person}/scan`, { appid: DEMO_APPS.oa, ticket: qr.ticket });
    await emulator.settlePushes(scan.pushId);
    expect(await waiting).toMatchObject({ id: qr.id, status: 'scanned' });

    const stream = await browser.fetch(`${b.url}/v1/qr-login/${qr.id}`, { headers: { accept: 'text/event-stream' } });
    const text = stream.text();
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.composed.deps.jobs.runDue()).toBe(1); // A's runner resolves the person and finishes the login
    const events = [...(await text).matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ event: m[1], data: JSON.parse(m[2]!) }));
    expect(events.map((e) => e.data.status)).toEqual(['scanned', 'done']);
    const loginCode = events[1]!.data.loginCode as string;

    const session = await post<{ userId: string; openid: string }>(`${b.url}/v1/session/exchange`, { code: loginCode });
    const oaOpenid = emulator.state.person(person)!.openids[DEMO_APPS.oa]!;
    expect(session.openid).toBe(oaOpenid);
    expect((await a.composed.deps.store.identity.findAppIdentity(DEMO_APPS.oa, oaOpenid))!.userId).toBe(session.userId);
    // Handed out once, whichever instance is asked next.
    const again = (await (await browser.fetch(`${a.url}/v1/qr-login/${qr.id}`)).json()) as { error: { code: string } };
    expect(again.error.code).toBe('ERR_QR_LOGIN_USED');
  });

  // Needs Redis: skipped only off CI where it is unreachable; under CI=true redisAvailable() throws instead.
  it.runIf(redisUp)('with a shared Redis, B’s long poll is woken by A’s scan, not by re-reading (re-reads a minute apart)', async () => {
    const { a, b, emulator, wx } = await twoInstancesOnOneDatabase({ redis: true, recheckMs: 60_000 });
    const browser = createCookieJar();
    const person = (await post<{ id: string }>(`${wx}/__emulator/persons`)).id;
    const createdRes = await browser.fetch(`${a.url}/v1/oa/${DEMO_APPS.oa}/qr-login`, { method: 'POST' });
    const qr = (await createdRes.json()) as { id: string; ticket: string };
    expect(createdRes.status, JSON.stringify(qr)).toBe(200);
    const waiting = browser.fetch(`${b.url}/v1/qr-login/${qr.id}?wait=30`).then((r) => r.json() as Promise<any>);
    await new Promise((r) => setTimeout(r, 300)); // B is waiting
    const scan = await post<{ pushId: string }>(`${wx}/__emulator/persons/${person}/scan`, { appid: DEMO_APPS.oa, ticket: qr.ticket });
    await emulator.settlePushes(scan.pushId);
    // Without the wake-up B would answer only after its 30 s wait (its next re-read is a minute away).
    expect(await settlesWithin(waiting, 15_000, 'B’s long poll after A saw the scan')).toMatchObject({ id: qr.id, status: 'scanned' });
  });
});
