/** The processes under a pid (Linux /proc), and a wait for them all to be gone: for "killing npm leaves nothing running". */
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

export function descendants(root: number): number[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(parentOf(p) ?? -1));
    found.push(...next);
    frontier = next;
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves with the pids still alive after `limitMs` (an empty list as soon as all are gone). */
export async function waitGone(pids: number[], limitMs = 15_000): Promise<number[]> {
  const end = Date.now() + limitMs;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  return pids.filter(alive);
}
