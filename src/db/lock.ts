/**
 * One bridge per database: two would answer the same buyers and race on the same ledger. The lock is an SQLite
 * file beside the database (`<DATABASE_PATH>-lock`, next to the -wal and -shm files) held in exclusive locking
 * mode for the life of the process.
 * SQLite takes it with the operating system's file locks (fcntl on Linux and macOS), which the kernel releases
 * when the process ends in any way, SIGKILL included, so a killed bridge never blocks the next start and no stale
 * file needs clearing. A separate file, so the database itself stays readable (backups, `sqlite3`) while the
 * bridge runs.
 *
 * (proper-lockfile, the usual npm package, was considered: its lock is a directory whose mtime is refreshed on a
 * timer and judged stale after 10 s, so a SIGKILLed bridge would block restarts for that long, and a busy event
 * loop can make a live lock look stale; its default on a "compromised" lock is to throw.)
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface DatabaseLock {
  release(): void;
}

/** Another process holds the lock. */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
}

export function lockPathFor(databasePath: string): string {
  return `${databasePath}-lock`;
}

/** Takes the lock beside `databasePath` at once (no waiting), or throws DatabaseInUseError. */
export function lockDatabase(databasePath: string): DatabaseLock {
  const path = lockPathFor(databasePath);
  closeSync(openSync(path, 'a', 0o600)); // like the database: nobody else's business
  const lock = new Database(path, { timeout: 0 });
  try {
    lock.pragma('journal_mode = OFF');
    lock.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the first write takes the EXCLUSIVE lock and keeps it until the connection closes.
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseInUseError(`${databasePath} is locked by another process`);
    }
    throw err;
  }
  return {
    release: () => {
      if (lock.open) lock.close();
    },
  };
}
