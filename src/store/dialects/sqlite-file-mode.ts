/**
 * A SQLite database file readable by its owner only (issue #13): the users, their identities and the sealed
 * session_keys live there. Mode 0600 for the file, 0700 for a folder made for it — set on the files themselves, never
 * through the process umask (that would change every other file the process creates).
 *
 * The database file is created here, before the driver opens it: SQLite's unix VFS creates the `-wal`, `-shm` and
 * `-journal` files it needs later with the database file's own permission bits (os_unix.c, `findCreateFileMode` and
 * `unixOpenSharedMemory`: https://sqlite.org/src/file/src/os_unix.c), so they are born 0600 too. Files left by an older
 * build or another tool (0644) are tightened at open: the database and whichever sidecar exists then.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** The files besides the database that SQLite may keep next to it. https://sqlite.org/tempfiles.html */
const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/**
 * Creates the folder (0700 when made here) and the database file (0600, empty: a valid empty database), or sets an
 * existing file to 0600. Call before the driver opens `path`.
 * @example
 *   preparePrivateDatabaseFile('.weunion/weunion.db');
 *   const db = new Database('.weunion/weunion.db');
 */
export function preparePrivateDatabaseFile(path: string): void {
  const dir = dirname(path);
  // Only a folder made here: an existing one (maybe the working directory) is the operator's to choose.
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dir, 0o700); // mkdir's mode is cut by the umask
  // 'a': create if absent, never truncate; the fd avoids a window between creating and chmod-ing another file.
  const fd = openSync(path, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/**
 * Sets 0600 on the `-wal`, `-shm` and `-journal` files of `path` that exist (call after opening, once WAL is on).
 * @example
 *   restrictSidecarFiles('.weunion/weunion.db');
 */
export function restrictSidecarFiles(path: string): void {
  for (const suffix of SIDECARS) {
    try {
      chmodSync(path + suffix, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
