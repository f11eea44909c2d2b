/** Bench plumbing: start a peer process and wait for its URL; mint login codes; run autocannon with fresh codes. */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

export interface Peer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startPeer(script: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /LISTENING (\S+)/.exec(buffered);
      if (m) resolve({ url: m[1]!, child, stop: () => new Promise((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
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
export async function loadWithCodes(url: string, codes: string[], connections: number): Promise<LoadResult> {
  let next = 0;
  let lastResponseAt = 0;
  const started = performance.now();
  const result = await new Promise<any>((resolve, reject) => {
    const instance = (autocannon as any)(
      {
        url,
        connections,
        amount: codes.length,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req: any) => ({ ...req, body: JSON.stringify({ code: codes[next++ % codes.length] }) }),
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
