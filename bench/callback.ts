/**
 * Official-account callback in safe mode: weunion `POST /v1/oa/:appid/callback` (signature + timestamp window +
 * msg_signature + AES decrypt + XML parse + dedup + durable job enqueue in SQLite) vs co-wechat 2.4 in its
 * documented Koa 2 setup (bench/servers/co-wechat.ts), both sent the same encrypted pushes by the same client. The
 * pushes are text messages from 500 followers, sealed with weunion's `createMessageCrypt` for the sandbox official
 * account, each with its own MsgId (so dedup never short-circuits) and minted just before each run (the timestamp
 * window). The job runner is not started in the bench peer, so only the request path is measured (co-wechat's
 * handler does nothing either). Rounds alternate who goes first; the ratio is the median of per-round ratios.
 * Writes bench/results/callback.json. Knobs: BENCH_PUSHES (per round, default 20000), BENCH_CONNECTIONS (32),
 * BENCH_ROUNDS (3).
 */
import { randomBytes } from 'node:crypto';
import { demoConfig, DEMO_APPS } from '../src/config/demo-config.js';
import { createMessageCrypt } from '../src/wechat/index.js';
import { cpuSeconds, loadRequests, median, peakRssMiB, startPeer, type LoadResult } from './harness.js';
import { row, writeBench } from './report.js';

const pushes = Number(process.env.BENCH_PUSHES ?? 20_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

const oa = demoConfig().apps.find((a) => a.appid === DEMO_APPS.oa)!;
const crypt = createMessageCrypt({ token: oa.token!, encodingAesKey: oa.encodingAesKey!, appid: oa.appid });
const followers = Array.from({ length: 500 }, () => `o${randomBytes(20).toString('base64url')}`);
let msgId = 24_000_000_000_000_000n + BigInt(Date.now()) * 1000n;

/** `count` signed, encrypted pushes: the query string (without the path) and the XML body. */
function mintPushes(count: number): Array<{ query: string; body: string }> {
  const out: Array<{ query: string; body: string }> = [];
  for (let i = 0; i < count; i++) {
    const openid = followers[i % followers.length]!;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const inner =
      `<xml><ToUserName><![CDATA[${oa.originalId}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
      `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 ${i}]]></Content>` +
      `<MsgId>${(msgId++).toString()}</MsgId></xml>`;
    const encrypt = crypt.encrypt(inner);
    const query = new URLSearchParams({
      signature: crypt.signature(timestamp, nonce),
      timestamp,
      nonce,
      openid,
      encrypt_type: 'aes',
      msg_signature: crypt.signature(timestamp, nonce, encrypt),
    });
    out.push({
      query: query.toString(),
      body: `<xml>\n<ToUserName><![CDATA[${oa.originalId}]]></ToUserName>\n<Encrypt><![CDATA[${encrypt}]]></Encrypt>\n</xml>`,
    });
  }
  return out;
}

const emulator = await startPeer('bench/servers/emulator.ts', {}, [], 'support');
const weunion = await startPeer('bench/servers/weunion.ts', { EMULATOR_URL: emulator.url }, profile);
const coWechat = await startPeer('bench/servers/co-wechat.ts');
const targets = [
  { name: 'weunion', url: weunion.url, path: `/v1/oa/${DEMO_APPS.oa}/callback`, pid: weunion.child.pid! },
  { name: 'co-wechat', url: coWechat.url, path: '/', pid: coWechat.child.pid! },
];
const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
const cpuMs = new Map<string, number[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
let rss: number | undefined;
const run = (t: (typeof targets)[number], n: number) =>
  loadRequests(
    t.url,
    mintPushes(n).map((p) => ({ path: `${t.path}?${p.query}`, body: p.body })),
    connections,
    'text/xml',
  );
try {
  for (const t of targets) await run(t, 3000); // warm-up (JIT)
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...targets].reverse() : targets;
    const rps = new Map<string, number>();
    for (const t of order) {
      const before = cpuSeconds(t.pid);
      const r = await run(t, pushes);
      const after = cpuSeconds(t.pid);
      if (before !== undefined && after !== undefined) cpuMs.get(t.name)!.push(((after - before) * 1000) / r.requests);
      results.get(t.name)!.push(r);
      rps.set(t.name, r.rps);
      process.stdout.write(
        `  round ${round + 1}: ${t.name.padEnd(10)} ${r.rps.toFixed(0).padStart(7)} pushes/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failures ${r.non2xx + r.errors}\n`,
      );
    }
    ratios.push(rps.get('weunion')! / rps.get('co-wechat')!);
  }
  rss = peakRssMiB(weunion.child.pid!);
} finally {
  await Promise.all([weunion.stop(), coWechat.stop()]);
  await emulator.stop();
}

const sum = (name: string) => {
  const rs = results.get(name)!;
  const cpu = cpuMs.get(name)!;
  return {
    rps: median(rs.map((r) => r.rps)),
    p50Ms: median(rs.map((r) => r.p50)),
    p99Ms: median(rs.map((r) => r.p99)),
    failures: rs.reduce((s, r) => s + r.non2xx + r.errors, 0),
    cpuMsPerPush: cpu.length ? median(cpu) : undefined,
  };
};
const w = sum('weunion');
const c = sum('co-wechat');
writeBench('callback', { pushes, connections, rounds, followers: followers.length }, [
  row({
    bench: 'callback',
    name: 'official-account callback, safe mode, vs co-wechat 2.4 (Koa)',
    unit: 'pushes/s',
    subject: { name: 'weunion', value: w.rps },
    baseline: { name: 'co-wechat', value: c.rps },
    ratio: median(ratios),
    perRound: ratios,
    target: { op: '>=', value: 2 },
    details: { weunion: { ...w, peakRssMiB: rss }, coWechat: c },
  }),
  ...(w.cpuMsPerPush && c.cpuMsPerPush
    ? [
        row({
          bench: 'callback',
          name: '  server CPU per push, co-wechat ÷ weunion',
          unit: 'CPU ms/push',
          subject: { name: 'weunion', value: w.cpuMsPerPush },
          baseline: { name: 'co-wechat', value: c.cpuMsPerPush },
          ratio: c.cpuMsPerPush / w.cpuMsPerPush,
          target: null,
        }),
      ]
    : []),
]);
