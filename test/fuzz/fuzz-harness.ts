/**
 * The fuzzing harness: one weunion + emulator over real HTTP (startStack), a probe that sends one request and checks
 * the properties every answer must have, and the run count (`FUZZ_RUNS`).
 *
 * Properties of every answer: never a 5xx; no stack trace (V8 `at` frames, source file paths) and no secret (app
 * secrets, Token, EncodingAESKey, the at-rest and signing keys, the emulator's session_keys) in the body or headers
 * — unless the request itself carried that exact text (an echo is not a leak); every error is typed: the body is
 * `{ error: { code, message } }` with a documented code whose status is the answer's (only a HEAD answer has no body);
 * and for every rejected request (4xx) the database is unchanged: row counts and a content digest of every table
 * weunion owns.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ERROR_CATALOG } from '../../src/errors.js';
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js';

/** Generated inputs per property: `FUZZ_RUNS`, default a few hundred (the `npm test` size). */
export function fuzzRuns(fallback = 300): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A property's vitest timeout: room for its runs (about 20 ms each at worst, real codes and all), at least 30 s. */
export function fuzzTimeoutMs(): number {
  return Math.max(30_000, fuzzRuns() * 20 + 30_000);
}

/** fast-check options for one route's property. Setting FUZZ_SEED replays a reported failure. */
export function fcOptions(fallbackRuns?: number): { numRuns: number; seed?: number; endOnFailure: boolean } {
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: fuzzRuns(fallbackRuns), endOnFailure: false, ...(Number.isInteger(seed) ? { seed } : {}) };
}

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface FuzzAnswer {
  status: number;
  text: string;
  headers: Headers;
}

const TABLES = { users: 'id', app_identities: 'appid, openid', union_identities: 'union_key, unionid', events: 'id', jobs: 'id', flows: 'id' } as const;

/** Tallies the inputs sent per route, printed after each file (the `npm run fuzz` report). */
export const tally = new Map<string, number>();
/** Per route, how often each outcome (`400 ERR_VALIDATION`, `200`, `302`…) came back: shows how deep the inputs reach. */
export const outcomes = new Map<string, Map<string, number>>();

export function recordOutcome(route: string, status: number, text: string): void {
  let code = '';
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    code = '';
  }
  const key = code ? `${status} ${code}` : String(status);
  const m = outcomes.get(route) ?? new Map<string, number>();
  m.set(key, (m.get(key) ?? 0) + 1);
  outcomes.set(route, m);
}

export interface FuzzStack {
  stack: Stack;
  /** Every secret that must never be answered; add more as they appear (new session_keys…). */
  secrets: Set<string>;
  /** Row counts and a SHA-256 over every row of every table, in primary-key order. */
  digest(): string;
  /** Sends one request and checks the properties; returns the answer for route-specific checks. */
  probe(route: string, req: FuzzRequest): Promise<FuzzAnswer>;
  /** Deletes flows and jobs accepted requests left behind, so the digest stays cheap over 10,000 runs. */
  prune(): void;
  close(): Promise<void>;
}

const FRAME = /\n\s+at |\bat [^\s()]+ \([^)]*:\d+:\d+\)|node:internal|node_modules|file:\/\/|\.(?:ts|js|mjs|cjs):\d+:\d+/;

/** The first forbidden text in `text` that the request did not carry itself, or undefined. */
export function findLeak(text: string, secrets: Iterable<string>, sent: string): string | undefined {
  const unescaped = text.includes('\\') ? safeUnescape(text) : text;
  for (const t of [text, unescaped]) {
    for (const secret of secrets) if (secret && t.includes(secret) && !sent.includes(secret)) return `secret ${secret.slice(0, 4)}…`;
    const frame = FRAME.exec(t);
    if (frame && !sent.includes(frame[0])) return `stack trace: ${JSON.stringify(t.slice(Math.max(0, frame.index - 40), frame.index + 80))}`;
    for (const root of [process.cwd(), path.resolve('src')]) if (t.includes(root) && !sent.includes(root)) return `file path ${root}`;
  }
  return undefined;
}

/**
 * What is wrong with an error answer (status >= 400), or undefined when it is typed: JSON `{ error: { code, message } }`
 * whose code is in the catalogue with this very status. A HEAD answer carries no body, so an empty one passes.
 */
export function untypedError(status: number, text: string, method: string): string | undefined {
  if (method === 'HEAD' && text === '') return undefined;
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  } catch {
    return 'not JSON';
  }
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return 'no error.code and error.message';
  const entry = (ERROR_CATALOG as Record<string, { status: number }>)[error.code];
  if (entry === undefined) return `undocumented code ${error.code}`;
  return entry.status === status ? undefined : `${error.code} is documented as ${entry.status}`;
}

/**
 * Sends raw bytes on a new connection (what fetch refuses to send), half-closes, and resolves with everything the
 * server answered until it closed the connection (or 5 s passed).
 */
export function sendRawHttp(serverUrl: string, bytes: string | Buffer): Promise<Buffer> {
  const { hostname, port } = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    socket.on('close', () => (clearTimeout(timer), resolve(Buffer.concat(chunks))));
  });
}

/** Every string inside a JSON answer, decoded (a frame hides as `\\n    at ` in JSON text); the text itself otherwise. */
function safeUnescape(text: string): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(k), walk(x);
  };
  try {
    walk(JSON.parse(text));
    return out.join('\n');
  } catch {
    return text;
  }
}

function tryDecode(url: string): string {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url;
  }
}

export async function startFuzzStack(options: StackOptions = {}): Promise<FuzzStack> {
  const stack = await startStack(options);
  const file = stack.config.storage.replace(/^sqlite:/, '');
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const reads = Object.entries(TABLES).map(([t, pk]) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${pk}`)] as const);

  const keys = JSON.parse(readFileSync(path.join(stack.dataDir, 'keys.json'), 'utf8')) as { atRestKey: string; signingJwk: { d: string } };
  const secrets = new Set<string>([keys.atRestKey, keys.signingJwk.d]);
  for (const app of stack.config.apps) {
    for (const s of [app.secret, app.token, app.encodingAesKey, app.previousEncodingAesKey]) if (s) secrets.add(s);
  }

  function digest(): string {
    const hash = createHash('sha256');
    const counts: Record<string, number> = {};
    for (const [table, stmt] of reads) {
      const rows = stmt.raw().all();
      counts[table] = rows.length;
      hash.update(table).update(JSON.stringify(rows));
    }
    return `${JSON.stringify(counts)} ${hash.digest('hex')}`;
  }

  async function probe(route: string, req: FuzzRequest): Promise<FuzzAnswer> {
    tally.set(route, (tally.get(route) ?? 0) + 1);
    const before = digest();
    const res = await fetch(stack.serverUrl + req.url, {
      method: req.method,
      headers: req.headers ?? {},
      redirect: 'manual',
      ...(req.body === undefined ? {} : { body: req.body }),
    });
    // Decoded by hand: res.text() drops a leading BOM, which would hide what the server really sent.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    recordOutcome(route, res.status, text);
    const where = `${req.method} ${req.url.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`5xx: ${where}`);
    const bodyText = req.body?.toString() ?? '';
    const sent = [req.url, tryDecode(req.url), JSON.stringify(req.headers ?? {}), bodyText, safeUnescape(bodyText)].join('\n');
    const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    const leak = findLeak(text, secrets, sent) ?? findLeak(headerText, secrets, sent);
    if (leak) throw new Error(`leak (${leak}): ${where}`);
    const untyped = res.status >= 400 ? untypedError(res.status, text, req.method) : undefined;
    if (untyped) throw new Error(`untyped error (${untyped}): ${where}`);
    if (res.status >= 400 && res.status < 500) {
      const after = digest();
      if (after !== before) throw new Error(`a rejected request changed the database (${before} → ${after}): ${where}`);
    }
    return { status: res.status, text, headers: res.headers };
  }

  return {
    stack,
    secrets,
    digest,
    probe,
    prune() {
      if ((db.prepare('SELECT count(*) AS n FROM flows').get() as { n: number }).n > 200) db.prepare('DELETE FROM flows').run();
      if ((db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n > 200) db.prepare('DELETE FROM jobs').run();
    },
    async close() {
      db.close();
      await stack.close();
    },
  };
}

/** Prints how many inputs each route got in this file (vitest shows it with the results). */
export function printTally(file: string): void {
  const rows = [...tally]
    .map(([route, n]) => {
      const seen = [...(outcomes.get(route) ?? [])].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ×${c}`);
      return `  ${route}: ${n}  (${seen.join(', ')})`;
    })
    .join('\n');
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log(`fuzz ${file}: ${total} inputs\n${rows}`);
}
