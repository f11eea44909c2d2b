/**
 * One of 3 instances is SIGKILLed in the middle of the load (logins in flight, official-account lookup jobs running
 * on it): clients retry on the others, the dead instance's jobs run again elsewhere once their lease runs out, and
 * afterwards no job is lost or failed, no identity is missing, every issued user id resolves, and the survivors are
 * ready.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { redisAvailable } from '../helpers/redis.js';
import { CLUSTER_TEST_TIMEOUT_MS, startCluster, type Cluster } from './cluster.js';
import { follow, mpLogin, settle, type LoginAnswer, type Tally } from './cluster-flows.js';
import { checkInvariants, pool } from './invariants.js';

const up = (await postgresAvailable()) && (await redisAvailable());

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const PERSONS = 150;
const LOGINS_PER_PERSON = 3;
const KILL_AFTER_ANSWERS = 120;

// Needs PostgreSQL and Redis: skipped only off CI where it is unreachable; under CI=true postgresAvailable() or redisAvailable() throws instead.
describe.runIf(up)('an instance killed mid-load', () => {
  it(
    'loses no job and no identity, and the other instances go on',
    async () => {
      // Short leases so the dead instance's jobs come back soon; every user/info takes 500 ms, so jobs are in flight.
      cluster = await startCluster({ instances: 3, config: { jobs: { pollMs: 50, leaseMs: 4000, concurrency: 8 } } });
      const c = cluster;
      await c.control('/__emulator/faults', { path: '/cgi-bin/user/info', delayMs: 500 });
      const persons = await pool(Array.from({ length: PERSONS }), 16, async () => (await c.control<{ id: string }>('/__emulator/persons', {})).id);
      const victim = c.instances[1]!;

      const tally: Tally = new Map();
      const answers = new Map<string, LoginAnswer[]>(persons.map((p) => [p, []]));
      let answered = 0;
      let killed: Promise<number | null> | undefined;
      const apps = [DEMO_APPS.mp1, DEMO_APPS.mp2, DEMO_APPS.mp1];
      await Promise.all([
        ...persons.map((p) => follow(c, p)),
        ...Array.from({ length: PERSONS * LOGINS_PER_PERSON }, async (_, k) => {
          const person = persons[k % PERSONS]!;
          const answer = await mpLogin(c, apps[Math.floor(k / PERSONS)]!, person, k, tally);
          answers.get(person)!.push(answer);
          if (++answered === KILL_AFTER_ANSWERS) {
            killed = victim.kill('SIGKILL');
            // The balancer notices (its health check) a moment later.
            setTimeout(() => c.proxy.setBackends(c.live().map((i) => i.url)), 200);
          }
        }),
      ]);
      expect(await killed).toBeNull(); // killed by the signal, no graceful exit
      await settle(c, 30_000);

      const jobs = await c.sql<{ status: string; attempts: number }>('select status, attempts from jobs');
      expect(jobs.length).toBe(PERSONS); // one lookup per follow (the pushes retried on another instance were deduplicated)
      expect(jobs.filter((j) => j.status !== 'done')).toEqual([]);
      // Whether the victim held a job at the very moment of the kill is timing (2 cores, other suites running); the
      // re-claim after a lease expires is proven deterministically in test/jobs/job-runner.test.ts. Here: none lost.
      const rerun = jobs.filter((j) => j.attempts >= 2).length;
      await checkInvariants(
        c,
        persons.map((person) => ({ person, appids: [DEMO_APPS.mp1, DEMO_APPS.mp2, DEMO_APPS.oa], answers: answers.get(person)! })),
      );
      for (const i of c.live()) expect((await fetch(`${i.url}/readyz`)).status).toBe(200);
      console.info(
        `[cluster] instance killed after ${KILL_AFTER_ANSWERS} answers; retried after: ${JSON.stringify(Object.fromEntries(tally))}; job attempts: ${jobs.reduce((n, j) => n + j.attempts, 0)} for ${jobs.length} jobs, ${rerun} re-run after the kill`,
      );
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});
