/**
 * The progress of a long data run: on a terminal one line redrawn in place (done, rate, ETA when the total is
 * known); otherwise — a log file, CI, a pipe — a plain line each time, so the output stays readable.
 */
export interface ProgressLine {
  /** `done` units so far (rows, followers) of `total` when known. */
  update(done: number, total?: number): void;
  /** Ends the redrawn line (a newline on a terminal). */
  end(): void;
}

export function createProgressLine(options: { write: (text: string) => void; tty: boolean; unit: string; now?: () => number }): ProgressLine {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let drawn = false;
  return {
    update(done, total) {
      const seconds = Math.max((now() - started) / 1000, 0.001);
      const rate = done / seconds;
      const eta = total !== undefined && rate > 0 && total >= done ? ` ETA ${formatSeconds((total - done) / rate)}` : '';
      const of = total !== undefined ? `/${total}` : '';
      const text = `${done}${of} ${options.unit} ${Math.round(rate)}/s${eta}`;
      if (options.tty) {
        options.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else options.write(`progress: ${text}\n`);
    },
    end() {
      if (drawn) options.write('\n');
      drawn = false;
    },
  };
}

function formatSeconds(s: number): string {
  const t = Math.round(s);
  return t >= 3600
    ? `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`
    : t >= 60
      ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`
      : `${t}s`;
}
