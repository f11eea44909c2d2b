/**
 * Growth: login p50 with 1,000 vs 1,000,000 users already in the store, on SQLite and on PostgreSQL (target: the big
 * store ≤ 1.2× the small one). The stores are seeded by bench/seed-users.ts (bulk inserts), with the bench's own
 * emulator persons placed among the seeded users, so every measured login is a returning person looked up in the
 * whole index (the first login of a person in a round rewrites its session_key, the others take the read-only
 * path — the production mix). Four weunion processes (small/big × SQLite/PostgreSQL) share one emulator; logins are
 * sent one at a time (latency, not throughput), rounds alternate the order; p50 over all rounds.
 * Writes bench/results/growth.json. Knobs: BENCH_GROWTH_USERS (big store, default 1000000), BENCH_GROWTH_LOGINS
 * (per store and round, default 1000), BENCH_ROUNDS (3), BENCH_PG_URL (a database to CREATE DATABASE from, default
 * postgres://postgres@127.0.0.1:5432/postgres; PostgreSQL rows are skipped when it is unreachable).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { DEMO_APPS, DEMO_UNION } from '../src/config/demo-config.js';
import { median, startPeer, type Peer } from './harness.js';
import { row, writeBench, type BenchRow } from './report.js';
import { seedUsers, type SeedPerson } from './seed-users.js';

const bigUsers = Number(process.env.BENCH_GROWTH_USERS ?? 1_000_000);
const smallUsers = Math.min(1000, bigUsers);
const loginsPerRound = Number(process.env.BENCH_GROWTH_LOGINS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const appid = DEMO_APPS.mp1;

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function dropPgDatabases(names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database; undefined when PostgreSQL is not reachable. */
async function freshPgDatabase(name: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(pgAdminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
const totalLogins = (loginsPerRound * rounds + 200) * 4; // four stores, + warm-up
const personCount = Math.ceil(totalLogins / 40); // ≤ 40 codes per person in the whole run: below WeChat's 100/min/person
const personIds: string[] = [];
for (let i = 0; i < personCount; i++) personIds.push((await post(`${emulator.url}/__emulator/persons`, {})).id);
const snapshots = (await (await fetch(`${emulator.url}/__emulator/persons`)).json()) as Array<{
  id: string;
  openids: Record<string, string>;
  unionids: Record<string, string>;
}>;
const persons: SeedPerson[] = snapshots.map((s) => ({ openid: s.openids[appid]!, unionid: s.unionids[DEMO_UNION.openAppid]! }));

interface Store {
  name: string;
  dialect: 'SQLite' | 'PostgreSQL';
  users: number;
  url: string;
  seedSeconds?: number;
  peer?: Peer;
  pool?: Pool;
  latencies: number[];
}
const dir = mkdtempSync(path.join(tmpdir(), 'weunion-growth-'));
const stores: Store[] = [
  { name: 'SQLite, 1k', dialect: 'SQLite', users: smallUsers, url: `sqlite:${dir}/small.db`, latencies: [] },
  { name: 'SQLite, big', dialect: 'SQLite', users: bigUsers, url: `sqlite:${dir}/big.db`, latencies: [] },
];
const pgSmall = await freshPgDatabase('weunion_bench_growth_small');
const pgBig = pgSmall ? await freshPgDatabase('weunion_bench_growth_big') : undefined;
if (pgSmall && pgBig) {
  stores.push({ name: 'PostgreSQL, 1k', dialect: 'PostgreSQL', users: smallUsers, url: pgSmall, latencies: [] });
  stores.push({ name: 'PostgreSQL, big', dialect: 'PostgreSQL', users: bigUsers, url: pgBig, latencies: [] });
} else {
  process.stdout.write(`  PostgreSQL at ${new URL(pgAdminUrl).host} unreachable: PostgreSQL rows skipped\n`);
}

/** `n` codes, round-robin over the bench persons (each person's codes spread over the run). */
let nextPerson = 0;
async function mint(n: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i += 16) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(16, n - i) }, () =>
        post(`${emulator.url}/__emulator/wx.login`, { appid, person: personIds[nextPerson++ % personIds.length]! }),
      ),
    );
    codes.push(...batch.map((b) => b.code as string));
  }
  return codes;
}

/** One login at a time over one keep-alive connection; the latency of each, in ms. */
async function sequentialLogins(s: Store, codes: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const code of codes) {
    const t0 = performance.now();
    const res = await s.pool!.request({
      method: 'POST',
      path: `/v1/mp/${appid}/login`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const text = await res.body.text();
    out.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`${s.name}: login answered ${res.statusCode} ${text}`);
  }
  return out;
}

try {
  for (const s of stores) {
    s.seedSeconds = await seedUsers(s.url, s.users, [...persons]);
    process.stdout.write(`  seeded ${s.name} (${s.users} users) in ${s.seedSeconds.toFixed(1)} s\n`);
  }
  for (const s of stores) {
    s.peer = await startPeer('bench/servers/weunion.ts', { EMULATOR_URL: emulator.url, WEUNION_STORAGE: s.url });
    s.pool = new Pool(s.peer.url, { connections: 1 });
  }
  for (const s of stores) await sequentialLogins(s, await mint(200 / stores.length)); // warm-up (JIT, pools)
  for (let round = 0; round < rounds; round++) {
    const order = stores.map((_, i) => stores[(i + round) % stores.length]!);
    for (const s of order) {
      const l = await sequentialLogins(s, await mint(loginsPerRound));
      s.latencies.push(...l);
      process.stdout.write(`  round ${round + 1}: ${s.name.padEnd(16)} p50 ${median(l).toFixed(2)} ms\n`);
    }
  }
} finally {
  for (const s of stores) await s.pool?.close();
  await Promise.all(stores.map((s) => s.peer?.stop()));
  await emulator.stop();
  // The seeded stores are large (a million users each): leave nothing behind.
  rmSync(dir, { recursive: true, force: true });
  if (pgSmall) await dropPgDatabases(['weunion_bench_growth_small', 'weunion_bench_growth_big']);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const rows: BenchRow[] = [];
for (const dialect of ['SQLite', 'PostgreSQL'] as const) {
  const [small, big] = stores.filter((s) => s.dialect === dialect);
  if (!small || !big) continue;
  const p50s = { small: median(small.latencies), big: median(big.latencies) };
  rows.push(
    row({
      bench: 'growth',
      name: `login p50, ${bigUsers.toLocaleString('en')} vs ${smallUsers.toLocaleString('en')} users (${dialect})`,
      unit: 'p50 ms',
      subject: { name: `${bigUsers} users`, value: p50s.big },
      baseline: { name: `${smallUsers} users`, value: p50s.small },
      ratio: p50s.big / p50s.small,
      target: { op: '<=', value: 1.2 },
      details: {
        p99Ms: { small: pct(small.latencies, 99), big: pct(big.latencies, 99) },
        logins: big.latencies.length,
        seedSeconds: { small: small.seedSeconds, big: big.seedSeconds },
      },
    }),
  );
}
writeBench('growth', { bigUsers, smallUsers, loginsPerRound, rounds, persons: personIds.length }, rows);
