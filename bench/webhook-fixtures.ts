/**
 * What the webhook benches share (bench/webhooks.ts, bench/webhook-phases.ts): a loopback receiver that counts the
 * deliveries it gets and answers 204, and a SQLite database seeded once with `user.created` events of distinct users
 * (union `acme`, endpoint `bench` registered before them), handed out as fresh copies.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '../src/clock.js';
import { createIdentityService } from '../src/identity/index.js';
import { openStore } from '../src/store/index.js';

export const BENCH_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const APPID = 'wxbench00000000mp1';

/** A receiver on 127.0.0.1: `received` counts the requests it has answered since the last `reset()`. */
export async function startCountingReceiver(): Promise<{ url: string; received(): number; reset(): void; close(): void }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received: () => received,
    reset: () => void (received = 0),
    close: () => void server.close(),
  };
}

/**
 * Seeds `events` events once (seeding a few thousand users takes longer than a bench loop) and opens fresh copies of
 * that database. The template is written with VACUUM INTO: a copy of the file alone could miss what is still in the
 * WAL (one copy once held 7,589 of 8,000 events), and each copy's event count is checked.
 */
export async function seededEventsTemplate(events: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'weunion-bench-hooks-'));
  const file = path.join(dir, 'template.db');
  const seed = await openStore(`sqlite:${path.join(dir, 'seed.db')}`);
  const { error } = await seed.migrate();
  if (error) throw error;
  // Seen before the events, so the router gives it every one.
  await seed.store.webhooks.registerEndpoints(['bench'], systemClock.now() - 1000);
  const identity = createIdentityService({ identity: seed.store.identity, profile: seed.store.profile, clock: systemClock });
  for (let i = 0; i < events; i++) await identity.resolve({ unionKey: 'acme', appid: APPID, openid: `o-${i}` });
  await sql`vacuum into ${file}`.execute(seed.db);
  await seed.close();
  let copies = 0;
  return {
    /** A fresh copy of the seeded database, and how to close and delete it. */
    async open() {
      const copy = path.join(dir, `copy-${++copies}.db`);
      copyFileSync(file, copy);
      const opened = await openStore(`sqlite:${copy}`);
      const { rows } = await sql<{ n: number }>`select count(*) as n from events`.execute(opened.db);
      if (Number(rows[0]!.n) !== events) throw new Error(`the copy holds ${rows[0]!.n} events, expected ${events}`);
      const drop = async () => {
        await opened.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
      };
      return { opened, drop };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
