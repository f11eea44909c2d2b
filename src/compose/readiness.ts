/**
 * Readiness: whether this instance should get traffic — the database answers, the shared cache answers (when one
 * is configured), the schema is exactly this build's — with the job counts. `/readyz` (server/routes/health.ts)
 * reports it; after `markClosing()` (shutdown has begun) it is not ready either.
 */
import type { SchemaState } from '../store/index.js';
import type { JobStatus } from '../store/port.js';

/** What readiness looks at; every probe rejects (or times out) when its dependency is unhealthy. */
export interface ReadinessProbes {
  /** A trivial query (`select 1`). */
  database(): Promise<unknown>;
  /** `checkSchema()` of the opened store. */
  schema(): Promise<SchemaState>;
  /** A round trip to the shared cache (Redis PING); absent when the cache is in memory. */
  cache?: (() => Promise<unknown>) | undefined;
  /** Job counts by status (pending / running / failed are reported). */
  jobs(): Promise<Record<JobStatus, number>>;
}

export interface ProbeResult {
  ok: boolean;
  /** Round trip, ms. */
  ms: number;
  /** Why it failed (a code or a short message; never a URL or a credential). */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: {
    database: ProbeResult;
    cache: ProbeResult & { kind: 'memory' | 'redis' };
    migrations: ProbeResult & { schema?: SchemaState };
  };
  /** The job counts; null when they could not be read (the database is down): present either way, 200 or 503. */
  jobs: { pending: number; running: number; failed: number } | null;
}

/** A readiness check bound to its probes; after `markClosing()` it reports not ready (shutdown has begun). */
export interface Readiness {
  check(): Promise<ReadinessReport>;
  markClosing(): void;
}

const PROBE_TIMEOUT_MS = 2000;

async function probe<T>(fn: () => Promise<T>, timeoutMs: number): Promise<ProbeResult & { value?: T }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    const value = await Promise.race([fn(), timeout]);
    return { ok: true, ms: Math.round(performance.now() - started), value };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - started), error: describe(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** The reportable part of a probe's outcome (its value stays internal). */
function result(r: ProbeResult): ProbeResult {
  return { ok: r.ok, ms: r.ms, ...(r.error ? { error: r.error } : {}) };
}

/** A driver error's code, or its class name: messages may carry hosts or URLs, codes do not. */
function describe(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code !== '') return code;
  return e instanceof Error ? e.name : 'error';
}

/**
 * @example
 *   const readiness = createReadiness({ database: () => sql`select 1`.execute(db), schema: () => opened.checkSchema(),
 *     jobs: () => store.jobCounts() });
 *   (await readiness.check()).ready;
 */
export function createReadiness(probes: ReadinessProbes, options: { timeoutMs?: number } = {}): Readiness {
  if (typeof probes?.database !== 'function' || typeof probes.schema !== 'function' || typeof probes.jobs !== 'function') {
    throw new TypeError('createReadiness: database, schema and jobs probes are required');
  }
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  let closing = false;
  return {
    markClosing: () => void (closing = true),
    async check() {
      const [database, cache, schema, jobs] = await Promise.all([
        probe(probes.database, timeoutMs),
        probes.cache ? probe(probes.cache, timeoutMs) : Promise.resolve({ ok: true, ms: 0 }),
        probe(probes.schema, timeoutMs),
        probe(probes.jobs, timeoutMs),
      ]);
      const migrations: ReadinessReport['checks']['migrations'] = { ok: schema.ok && schema.value === 'current', ms: schema.ms };
      if (schema.value !== undefined) migrations.schema = schema.value;
      if (schema.error) migrations.error = schema.error;
      else if (!migrations.ok) migrations.error = schema.value === 'ahead' ? 'schema is newer than this build' : 'migrations are pending';
      const report: ReadinessReport = {
        ready: !closing && database.ok && cache.ok && migrations.ok,
        checks: { database: result(database), cache: { ...result(cache), kind: probes.cache ? 'redis' : 'memory' }, migrations },
        jobs: jobs.value ? { pending: jobs.value.pending, running: jobs.value.running, failed: jobs.value.failed } : null,
      };
      return report;
    },
  };
}
