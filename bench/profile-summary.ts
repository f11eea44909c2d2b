/**
 * Summarises a V8 CPU profile written by a bench with BENCH_PROFILE=dir (`node --cpu-prof`): where the CPU went,
 * as self time by module and by function, and optionally as inclusive time of the functions matching a pattern
 * (synchronous call stacks only: an `await` continuation is charged to whatever resumed it). BENCHMARKS.md quotes its
 * output.
 *
 *   BENCH_PROFILE=/tmp/p BENCH_ONLY=callback BENCH_ROUNDS=1 npm run bench
 *   npx tsx bench/profile-summary.ts /tmp/p/<largest>.cpuprofile [top=30] [inclusive-pattern]
 *
 * PROFILE_STEADY=<function name> keeps only the steady state: the samples from 3 s after that function (say
 * `answerPush` for the callback) first shows up, so start-up
 * (module loading, JIT warm-up) does not count. PROFILE_STEADY_SKIP_MS changes the 3 s.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, pattern] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [inclusive-pattern]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Whether a sample's stack holds the steady-state marker function (memoised per node). */
const steadyMarker = process.env.PROFILE_STEADY;
const skipUs = Number(process.env.PROFILE_STEADY_SKIP_MS ?? 3000) * 1000;
const marked = new Map<number, boolean>();
function hasMarker(id: number): boolean {
  const known = marked.get(id);
  if (known !== undefined) return known;
  const up = parent.get(id);
  const v = nodes.get(id)!.callFrame.functionName === steadyMarker || (up !== undefined && hasMarker(up));
  marked.set(id, v);
  return v;
}

const selfUs = new Map<number, number>();
let totalUs = 0;
let clockUs = 0;
let steadyFromUs = steadyMarker ? Number.POSITIVE_INFINITY : 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  clockUs += dt;
  if (steadyFromUs === Number.POSITIVE_INFINITY && hasMarker(id)) steadyFromUs = clockUs + skipUs;
  if (clockUs < steadyFromUs) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  totalUs += dt;
});
if (steadyMarker && totalUs === 0) {
  process.stderr.write(`PROFILE_STEADY=${steadyMarker}: that function never ran long enough to be sampled, or the run ended within the skip\n`);
  process.exit(2);
}

const shortUrl = (url: string) => url.replace(/^.*node_modules\//, 'npm:').replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/');
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
function moduleOf(n: ProfileNode): string {
  const url = shortUrl(n.callFrame.url);
  if (url === '') return n.callFrame.functionName; // (idle), (garbage collector), (program), natives
  if (url.startsWith('npm:')) {
    const parts = url.slice(4).split('/');
    return `npm:${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  return url.startsWith('node:') ? url : url.split('/').slice(0, 2).join('/');
}

const byModule = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = nodes.get(id)!;
  byModule.set(moduleOf(n), (byModule.get(moduleOf(n)) ?? 0) + us);
  byFunction.set(label(n), (byFunction.get(label(n)) ?? 0) + us);
}

const busyUs = totalUs - (byModule.get('(idle)') ?? 0);
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    process.stdout.write(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busyUs).toFixed(1).padStart(5)}% of busy  ${k}\n`);
  }
};
process.stdout.write(
  `${file}${steadyMarker ? ` (steady state: from ${skipUs / 1e6} s after ${steadyMarker} first ran)` : ''}\ntotal ${(totalUs / 1000).toFixed(0)} ms, busy (not idle) ${(busyUs / 1000).toFixed(0)} ms\n`,
);
print('self time by module', byModule);
print('self time by function', byFunction);

if (pattern) {
  const re = new RegExp(pattern);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = label(nodes.get(cur)!);
      if (!seen.has(key) && re.test(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      seen.add(key);
    }
  }
  print(`inclusive time of functions matching /${pattern}/`, inclusive);
}
