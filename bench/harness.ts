/** Bench plumbing: start a peer process and wait for its URL; mint login codes; run autocannon with fresh codes. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

export interface Peer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * CPU pinning (Linux, ≥ 2 CPUs, `taskset` present; BENCH_PIN=0 turns it off): the measured server runs on CPU 0 and
 * everything else — this process with autocannon, the emulator — on the other CPUs, so the load generator never
 * takes CPU time from the server it measures and each server's rate is what one core of it does. Without it, on
 * two cores, a faster server mostly speeds up the load generator beside it and ratios are squeezed towards 1.
 */
const cpuCount = os.availableParallelism();
const pinning = process.platform === 'linux' && cpuCount >= 2 && process.env.BENCH_PIN !== '0' && spawnSync('taskset', ['-V']).status === 0;
const supportCpus = `1-${cpuCount - 1}`;
let selfPinned = false;

/** How the benches place processes, for the report. */
export function pinningNote(): string {
  return pinning ? `measured server on CPU 0, load generator and emulator on CPUs ${supportCpus}` : 'no CPU pinning';
}

/**
 * Pins this process, all its threads (V8's GC helpers included), to CPU 0 (`measured`: an in-process bench such as
 * bench/decrypt.ts) or to the other CPUs (`support`: the load generator). Without it an in-process loop's rate swings
 * with where the GC helper threads happen to run: see BENCHMARKS.md, decryption. No-op without pinning.
 */
export function pinThisProcess(role: 'measured' | 'support'): void {
  if (!pinning || selfPinned) return;
  spawnSync('taskset', ['-a', '-p', '-c', role === 'measured' ? '0' : supportCpus, String(process.pid)], { stdio: 'ignore' });
  selfPinned = true;
}

/** `node <argv>` as a command and its arguments, pinned as `role` says (see above): for a process spawned by hand. */
export function nodeCommand(argv: string[], role: 'measured' | 'support'): [string, string[]] {
  return pinning ? ['taskset', ['-c', role === 'measured' ? '0' : supportCpus, process.execPath, ...argv]] : [process.execPath, argv];
}

/** `role`: the server being measured (CPU 0) or a support process such as the emulator (the other CPUs). */
export function startPeer(script: string, env: Record<string, string> = {}, nodeArgs: string[] = [], role: 'measured' | 'support' = 'measured'): Promise<Peer> {
  pinThisProcess('support');
  const [command, args] = nodeCommand([...nodeArgs, '--import', 'tsx', script], role);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /LISTENING (\S+)/.exec(buffered);
      if (m)
        resolve({
          url: m[1]!,
          child,
          stop: () =>
            new Promise((r) => {
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
}

/**
 * `fn` against a fresh `startPeer(script, env)`, stopped afterwards: for A-vs-B benches where each measurement should
 * be the only subject alive. With both subjects up for a whole run, the one started first was about 7 % slower every
 * round even with identical configs (an A/A run of bench/metrics-overhead.ts, 2026-12-07: 0.93×; start order
 * swapped: 1.05×), more than the effects those benches measure.
 */
export async function withPeer<T>(script: string, env: Record<string, string>, fn: (peer: Peer) => Promise<T>): Promise<T> {
  // BENCH_PROFILE=dir: a V8 CPU profile of each subject (bench/profile-summary.ts), as bench/login.ts writes.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const peer = await startPeer(script, env, profile);
  try {
    return await fn(peer);
  } finally {
    await peer.stop();
  }
}

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Mints `count` wx.login codes for `appid`, spread over persons so WeChat's 100/min/person limit is never hit. */
export async function mintCodes(emulatorUrl: string, appid: string, count: number, perPerson = 40): Promise<string[]> {
  const codes: string[] = [];
  const persons = Math.ceil(count / perPerson);
  const ids: string[] = [];
  for (let i = 0; i < persons; i++) ids.push((await post(`${emulatorUrl}/__emulator/persons`, {})).id);
  const jobs = Array.from({ length: count }, (_, i) => ids[i % persons]!);
  const width = 16;
  for (let i = 0; i < jobs.length; i += width) {
    const batch = await Promise.all(jobs.slice(i, i + width).map((person) => post(`${emulatorUrl}/__emulator/wx.login`, { appid, person })));
    for (const b of batch) codes.push(b.code);
  }
  return codes;
}

/**
 * Mints `count` login bodies for `appid` as a "server decides" client sends them: `{ code, encryptedData, iv }`, the
 * user data sealed once per person (wx.getUserInfo after the person's first wx.login; the session_key does not
 * rotate on the bench emulator, so it stays valid for all of that person's codes). Persons as in `mintCodes`.
 */
export async function mintServerDecidesLogins(emulatorUrl: string, appid: string, count: number, perPerson = 40): Promise<string[]> {
  const persons = Math.ceil(count / perPerson);
  const sealed = new Map<string, { encryptedData: string; iv: string }>();
  const ids: string[] = [];
  for (let i = 0; i < persons; i++) ids.push((await post(`${emulatorUrl}/__emulator/persons`, {})).id);
  const jobs = Array.from({ length: count }, (_, i) => ids[i % persons]!);
  const bodies: string[] = [];
  const width = 16;
  for (let i = 0; i < jobs.length; i += width) {
    const batch = await Promise.all(
      jobs.slice(i, i + width).map(async (person) => {
        const { code } = await post(`${emulatorUrl}/__emulator/wx.login`, { appid, person });
        let data = sealed.get(person);
        if (!data) {
          const u = await post(`${emulatorUrl}/__emulator/wx.getUserInfo`, { appid, person });
          sealed.set(person, (data = { encryptedData: u.encryptedData, iv: u.iv }));
        }
        return JSON.stringify({ code, ...data });
      }),
    );
    bodies.push(...batch);
  }
  return bodies;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * POSTs `{ code }` with a fresh code per request until the codes run out. Throughput is counted from the start to
 * the last response: autocannon's `amount` mode only notices it is done on its one-second tick, which would round
 * every run up to whole seconds.
 */
export function loadWithCodes(url: string, codes: string[], connections: number): Promise<LoadResult> {
  return loadWithBodies(
    url,
    codes.map((code) => JSON.stringify({ code })),
    connections,
  );
}

/** Like `loadWithCodes`, with ready-made JSON bodies (one request each; `contentType` for other payloads). */
export function loadWithBodies(url: string, bodies: string[], connections: number, contentType = 'application/json'): Promise<LoadResult> {
  return loadRequests(
    url,
    bodies.map((body) => ({ body })),
    connections,
    contentType,
  );
}

/** One POST per entry (its own path + query when given, else `url`'s), until they run out; as `loadWithCodes`. */
export async function loadRequests(
  url: string,
  requests: Array<{ path?: string; body: string }>,
  connections: number,
  contentType: string,
): Promise<LoadResult> {
  let next = 0;
  let lastResponseAt = 0;
  const started = performance.now();
  const result = await new Promise<any>((resolve, reject) => {
    const instance = (autocannon as any)(
      {
        url,
        connections,
        amount: requests.length,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': contentType },
            setupRequest: (req: any) => {
              const r = requests[next++ % requests.length]!;
              return { ...req, ...(r.path === undefined ? {} : { path: r.path }), body: r.body };
            },
          },
        ],
      },
      (err: unknown, res: unknown) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', () => {
      lastResponseAt = performance.now();
    });
  });
  const seconds = (lastResponseAt - started) / 1000;
  return {
    requests: result.requests.total,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** A process's peak resident set (VmHWM from /proc/<pid>/status), in MiB; undefined where /proc is not there. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined where /proc is not there. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

/** The medians of several load runs of one subject (rps, p50, p99) and their failures summed. */
export function summarizeLoads(rs: readonly LoadResult[]): { rps: number; p50: number; p99: number; failures: number } {
  return {
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    failures: rs.reduce((s, r) => s + r.non2xx + r.errors, 0),
  };
}
