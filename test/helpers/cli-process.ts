/** Runs the `weunion` CLI as a child process (tsx loader by absolute URL, so any cwd works) and collects its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const cli = path.resolve('src/cli/main.ts');
const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

export interface CliRun {
  /** Exit code, or null while it still runs (`until` matched first). */
  code: number | null;
  out: string;
  err: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Resolves when the process exits, or as soon as stdout matches `until` (the process keeps running). */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string>; until?: RegExp }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
      cwd: options.cwd,
      env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const run: CliRun = { code: null, out: '', err: '', child, exited };
    child.stdout!.on('data', (d: Buffer) => {
      run.out += d.toString();
      if (options.until?.test(run.out)) resolve(run);
    });
    child.stderr!.on('data', (d: Buffer) => (run.err += d.toString()));
    void exited.then((code) => {
      run.code = code;
      resolve(run);
    });
  });
}
