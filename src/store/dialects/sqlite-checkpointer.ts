/**
 * WAL checkpoints off the request thread. With `synchronous = NORMAL`, a checkpoint fsyncs the WAL and then the
 * database file. Left to the writer's own autocheckpoint, those fsyncs run inside whichever COMMIT crossed the
 * threshold, and since better-sqlite3 is synchronous they stop the event loop (bench/callback.ts: throughput fell
 * behind what the CPU per push allowed, with p99 spikes). Here a worker thread with its own
 * connection runs a PASSIVE checkpoint every `intervalMs`. A PASSIVE checkpoint never waits for the writer and never
 * makes it wait; once one has caught up, the writer's next transaction starts the WAL from the beginning again.
 * The writer keeps its autocheckpoint as a backstop, at a threshold the worker normally keeps it far below.
 * https://sqlite.org/wal.html#ckpt · https://sqlite.org/pragma.html#pragma_wal_checkpoint
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface SqliteCheckpointerOptions {
  /** Time between two checkpoints (ms). Default 250. */
  intervalMs?: number;
  /**
   * Told when a checkpoint fails (the next one is tried all the same) or when the thread itself stops (it could not
   * open the database, say: checkpoints then fall back to the writer's autocheckpoint). Never called after `stop()`.
   */
  onError?: (message: string) => void;
}

export interface SqliteCheckpointer {
  /** Stops the worker and closes its connection; resolves once the thread has exited. Idempotent. */
  stop(): Promise<void>;
}

/** The worker's code (CommonJS, evaluated): the driver comes by absolute path, wherever weunion is installed. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ error: e && e.message ? String(e.message) : String(e) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Throws a TypeError unless `intervalMs` is a positive integer (or absent). */
export function checkCheckpointInterval(intervalMs: number | undefined): void {
  if (intervalMs !== undefined && (!Number.isInteger(intervalMs) || intervalMs < 1)) throw new TypeError('intervalMs must be a positive integer');
}

/**
 * Starts checkpointing the WAL of the database file at `path` (which must exist, in WAL mode). The thread never keeps
 * the process alive.
 * @example
 *   const checkpointer = startSqliteCheckpointer('.weunion/weunion.db');
 *   await checkpointer.stop();
 */
export function startSqliteCheckpointer(path: string, options: SqliteCheckpointerOptions = {}): SqliteCheckpointer {
  checkCheckpointInterval(options.intervalMs);
  const intervalMs = options.intervalMs ?? 250;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // Resolved now: a later chdir must not change which file the thread opens.
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: resolve(path), intervalMs, driver } });
  let stopping: Promise<void> | undefined;
  let online = false;
  const report = (message: string) => {
    if (!stopping) options.onError?.(message);
  };
  worker.once('online', () => (online = true));
  worker.on('message', (m: { error?: string }) => {
    if (m.error) report(m.error);
  });
  worker.on('error', (e) => report(`the checkpointer thread stopped (${e.message}); the writer's autocheckpoint takes over`));
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  // Last: adding a 'message' listener refs the worker again.
  worker.unref();
  return {
    stop() {
      if (!stopping) {
        // A thread not yet running has nothing to close: it is not left to open the file after the store closed.
        if (online) worker.postMessage('stop');
        else void worker.terminate();
        stopping = exited;
      }
      return stopping;
    },
  };
}
