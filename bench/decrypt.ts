/**
 * Decryption: `decryptUserData` (strict base64, AES-128-CBC, strict UTF-8, JSON, watermark checks) decrypts/s vs a bare
 * node:crypto loop doing only the AES (base64 → createDecipheriv → update/final) on the same inputs: 1,000 distinct
 * getUserInfo-like payloads, each under its own session_key and iv, as WeChat seals them. One process, pinned with
 * all its threads to CPU 0 where the other benches pin the measured server (harness.ts; BENCH_PIN=0 turns it off):
 * unpinned, V8's GC helper threads ran on the other core, and the CPU time they took, which each loop's garbage
 * sets off differently, made the bare loop's rate swing 2× between rounds. Rounds alternate which loop goes first;
 * the ratio is the median of per-round ratios. For reference, also vs WeChat's
 * WXBizDataCrypt sample (the AES plus JSON.parse and the watermark appid check, none of the strict checks), and the
 * floor: the least any decryption that reads the payload must do, by the fastest path measured, with no check at all.
 * The floor's own ratio to the bare loop bounds what any decryptUserData can reach against it.
 * Rates are per CPU-second of the bench process. Writes bench/results/decrypt.json. Knobs: BENCH_DECRYPT_MS (per loop and round, default 1000), BENCH_ROUNDS (5).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decryptUserData } from '../src/wechat/crypto/user-data.js';
import { median, pinThisProcess } from './harness.js';
import { row, writeBench, type Target } from './report.js';

const loopMs = Number(process.env.BENCH_DECRYPT_MS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const APPID = 'wxdemo00000000mp01';
const now = Date.now();

interface Sealed {
  sessionKey: string;
  iv: string;
  encryptedData: string;
}

function seal(i: number): Sealed {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const plain = JSON.stringify({
    openId: `oGZUI0egBJY1zhBYw2KhdUfw${String(i).padStart(4, '0')}`,
    nickName: `用户${i}`,
    gender: 0,
    language: 'zh_CN',
    city: '',
    province: '',
    country: '',
    avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132',
    unionId: `oxUnionDemo00000000000${String(i).padStart(6, '0')}`,
    watermark: { timestamp: Math.floor(now / 1000), appid: APPID },
  });
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { sessionKey: key.toString('base64'), iv: iv.toString('base64'), encryptedData: data.toString('base64') };
}

pinThisProcess('measured');
const inputs = Array.from({ length: 1000 }, (_, i) => seal(i));
let sink = 0; // keeps the results alive so nothing is optimised away

/**
 * Runs `body` in batches of 100 for `ms` of wall time; the rate is per second of this process's CPU time, so other
 * processes competing for the cores (a busy CI box) do not count against whichever loop they happened to hit.
 */
function rate(ms: number, body: (n: number) => void): number {
  const end = performance.now() + ms;
  const cpu0 = process.cpuUsage();
  let n = 0;
  while (performance.now() < end) for (let k = 0; k < 100; k++, n++) body(n);
  const cpu = process.cpuUsage(cpu0);
  return n / ((cpu.user + cpu.system) / 1e6);
}

function weunionLoop(ms: number): number {
  return rate(ms, (n) => {
    const s = inputs[n % inputs.length]!;
    sink += decryptUserData({ appid: APPID, sessionKey: s.sessionKey, encryptedData: s.encryptedData, iv: s.iv, now, maxAgeSeconds: 600 }).openid.length;
  });
}

function bareLoop(ms: number): number {
  return rate(ms, (n) => {
    const s = inputs[n % inputs.length]!;
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(s.sessionKey, 'base64'), Buffer.from(s.iv, 'base64'));
    sink += Buffer.concat([decipher.update(Buffer.from(s.encryptedData, 'base64')), decipher.final()]).length;
  });
}

/** WeChat's own WXBizDataCrypt sample: the AES, then JSON.parse and the watermark appid check (no strict checks). */
function sampleLoop(ms: number): number {
  return rate(ms, (n) => {
    const s = inputs[n % inputs.length]!;
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(s.sessionKey, 'base64'), Buffer.from(s.iv, 'base64'));
    decipher.setAutoPadding(true);
    const decoded = JSON.parse(decipher.update(s.encryptedData, 'base64', 'utf8') + decipher.final('utf8'));
    if (decoded.watermark.appid !== APPID) throw new Error('Illegal Buffer');
    sink += decoded.openId.length;
  });
}

/**
 * The floor of any decryption that reads the payload: the AES by the fastest path found (the base64 text straight into
 * update(), no final(); the padding length read from the last byte, not checked), the UTF-8 decoding JSON.parse needs,
 * and JSON.parse. No base64, padding, UTF-8, payload or watermark check: none of what makes decryptUserData safe.
 */
function floorLoop(ms: number): number {
  return rate(ms, (n) => {
    const s = inputs[n % inputs.length]!;
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(s.sessionKey, 'base64'), Buffer.from(s.iv, 'base64'));
    decipher.setAutoPadding(false);
    const padded = decipher.update(s.encryptedData, 'base64');
    sink += JSON.parse(padded.toString('utf8', 0, padded.length - padded[padded.length - 1]!)).openId.length;
  });
}

weunionLoop(300); // warm-up (JIT)
bareLoop(300);
sampleLoop(300);
floorLoop(300);
const w: number[] = [];
const b: number[] = [];
const ratios: number[] = [];
const sample: number[] = [];
const sampleRatios: number[] = [];
const floor: number[] = [];
const floorRatios: number[] = [];
const floorVsWeunion: number[] = [];
for (let r = 0; r < rounds; r++) {
  const first = r % 2 === 0;
  const x = first ? weunionLoop(loopMs) : bareLoop(loopMs);
  const y = first ? bareLoop(loopMs) : weunionLoop(loopMs);
  const [wr, br] = first ? [x, y] : [y, x];
  w.push(wr);
  b.push(br);
  ratios.push(wr / br);
  const sr = sampleLoop(loopMs);
  sample.push(sr);
  sampleRatios.push(wr / sr);
  const fr = floorLoop(loopMs);
  floor.push(fr);
  floorRatios.push(fr / br);
  floorVsWeunion.push(wr / fr);
  process.stdout.write(
    `  round ${r + 1}: decryptUserData ${wr.toFixed(0)}/s, bare AES ${br.toFixed(0)}/s, WXBizDataCrypt sample ${sr.toFixed(0)}/s, floor ${fr.toFixed(0)}/s\n`,
  );
}
if (sink === 42) process.stdout.write('\n');

/** One row: `subject` vs `baseline` (per-round rates), the ratio the median of `perRound`. */
function decryptRow(name: string, subject: [string, number[]], baseline: [string, number[]], perRound: number[], target: Target | null) {
  const [subjectName, subjectRates] = subject;
  const [baselineName, baselineRates] = baseline;
  return row({
    bench: 'decrypt',
    name,
    unit: 'decrypts/s',
    subject: { name: subjectName, value: median(subjectRates) },
    baseline: { name: baselineName, value: median(baselineRates) },
    ratio: median(perRound),
    perRound,
    target,
  });
}

writeBench('decrypt', { loopMs, rounds, inputs: inputs.length, plaintextBytes: Buffer.from(inputs[0]!.encryptedData, 'base64').length }, [
  decryptRow('decryptUserData vs bare node:crypto AES-128-CBC', ['decryptUserData', w], ['bare AES', b], ratios, { op: '>=', value: 0.9 }),
  decryptRow('  decryptUserData vs WXBizDataCrypt sample (AES + JSON.parse)', ['decryptUserData', w], ['sample', sample], sampleRatios, null),
  decryptRow('  floor (fastest AES + UTF-8 + JSON.parse, no checks) vs bare AES', ['floor', floor], ['bare AES', b], floorRatios, null),
  decryptRow('  decryptUserData vs the floor', ['decryptUserData', w], ['floor', floor], floorVsWeunion, null),
]);
