/**
 * Scan-to-follow across instances: two weunion instances on one PostgreSQL schema, one emulator. The page waits on
 * instance B (long poll, then server-sent events) while WeChat's push lands on instance A and A's job finishes the
 * login: B notices, because waiting re-reads the shared store rather than an in-process signal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { DEMO_APPS, demoConfig } from '../../../src/config/demo-config.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { createEmulator, type Emulator } from '../../../src/emulator/index.js';
import { buildApp } from '../../../src/server/app.js';
import { compose, type Composed } from '../../../src/compose/compose.js';
import { emulatorAppsFor } from '../../../src/cli/sandbox/emulator-apps.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../helpers/postgres.js';

const pgUp = await postgresAvailable();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Instance {
  url: string;
  composed: Composed;
}

async function twoInstancesOnOneDatabase(): Promise<{ a: Instance; b: Instance; emulator: Emulator; wx: string }> {
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

async function post<T = any>(url: string, body: unknown = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe.runIf(pgUp)('scan-to-follow login across two instances (PostgreSQL)', () => {
  it('a long poll on B sees the scan A received; B’s event stream sees A’s job finish; B exchanges the code', async () => {
    const { a, b, emulator, wx } = await twoInstancesOnOneDatabase();
    const person = (await post<{ id: string }>(`${wx}/__emulator/persons`)).id;
    const qr = await post<{ id: string; ticket: string }>(`${a.url}/v1/oa/${DEMO_APPS.oa}/qr-login`);

    const waiting = fetch(`${b.url}/v1/qr-login/${qr.id}?wait=10`).then((r) => r.json() as Promise<any>);
    await new Promise((r) => setTimeout(r, 300));
    const scan = await post<{ pushId: string }>(`${wx}/__emulator/persons/${person}/scan`, { appid: DEMO_APPS.oa, ticket: qr.ticket });
    await emulator.settlePushes(scan.pushId);
    expect(await waiting).toMatchObject({ id: qr.id, status: 'scanned' });

    const stream = await fetch(`${b.url}/v1/qr-login/${qr.id}`, { headers: { accept: 'text/event-stream' } });
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
    const again = (await (await fetch(`${a.url}/v1/qr-login/${qr.id}`)).json()) as { error: { code: string } };
    expect(again.error.code).toBe('ERR_QR_LOGIN_USED');
  });
});
