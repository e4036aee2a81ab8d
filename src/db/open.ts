/**
 * Opens the SQLite file (created with mode 0600: it holds buyers' messages), switches on WAL so a crash at any
 * moment leaves whole rows only, and applies the committed migrations.
 */
import { closeSync, existsSync, mkdirSync, openSync, chmodSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_DIR } from '../paths.js';
import { DatabaseInUseError, lockDatabase, type DatabaseLock } from './lock.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDb {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Checkpoints (copying the WAL back into the database file, with an fsync, about 2 ms here) are kept off the path
 * of a reply. SQLite's own, inside whichever commit fills the WAL to this many pages, is the backstop only (at its
 * default of 1,000 it ran every 50 or so relays and was most of the relay's p99 in the benchmark); the bridge
 * checkpoints once the database has been quiet for IDLE_CHECKPOINT_MS.
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
const IDLE_CHECKPOINT_MS = 1_000;
/**
 * SQLite's page cache, per connection, in KiB (the pragma's negative form). better-sqlite3 builds SQLite with 16 MB,
 * and a full scan of 10,000 chats filled all of it: the bridge's C heap held 23.5 MB after the benchmark's scan,
 * 9.5 MB with this (RSS 117 -> 103-107 MB). SQLite's own default of 2 MB is enough for the bridge's indexed lookups;
 * the OS's file cache, which RSS does not count, holds the rest of the file.
 */
const PAGE_CACHE_KIB = 2_000;
/** After a checkpoint, a WAL file larger than this is truncated to it (disk space; the WAL is never mapped). */
const WAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;

/** Why DATABASE_PATH cannot be used, in kinds the start-up line words for the seller (src/texts.ts). */
export type DatabaseProblem =
  | 'directory' // its directory is missing and cannot be created
  | 'is_directory' // the path is a directory
  | 'read_only' // the file or its directory may not be written by this user (or the file system is read-only)
  | 'not_database' // the file is not an SQLite database
  | 'damaged' // an SQLite file, but damaged
  | 'in_use' // another bridge process holds the database's lock
  | 'migrations' // a database, but not one this bridge's migrations can bring up to date
  | 'other';

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  constructor(
    readonly problem: DatabaseProblem,
    /** The system's or SQLite's own words (an error code and message; never a secret: no secret is in a path). */
    readonly detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

/**
 * Opens the database behind the lock (one process per database). Every failure is a DatabaseOpenError, so a bad
 * DATABASE_PATH is one clear line at start, never a stack trace.
 */
export function openDb(path: string): OpenDb {
  let lock: DatabaseLock | undefined;
  let sqlite: Database.Database | undefined;
  let step: 'prepare' | 'open' | 'migrate' = 'prepare';
  try {
    if (path !== ':memory:') {
      if (existsSync(path) && statSync(path).isDirectory()) throw new DatabaseOpenError('is_directory', 'EISDIR');
      try {
        mkdirSync(dirname(resolve(path)), { recursive: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new DatabaseOpenError(code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'read_only' : 'directory', errorDetail(err));
      }
      if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
      lock = lockDatabase(path);
    }
    step = 'open';
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    // Only once it is known to be a database: a mistyped path must not change some other file's mode.
    if (path !== ':memory:') chmodSync(path, 0o600);
    // NORMAL is durable against a killed process (only an OS crash can lose the last commits) and much faster.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    const db = drizzle(sqlite, { schema });
    step = 'migrate';
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    const opened = sqlite;
    const idle = path === ':memory:' ? undefined : checkpointWhenIdle(opened, `${path}-wal`);
    return {
      db,
      sqlite: opened,
      close: () => {
        clearInterval(idle);
        if (opened.open) opened.close();
        lock?.release();
      },
    };
  } catch (err) {
    if (sqlite?.open) sqlite.close();
    lock?.release();
    throw databaseOpenError(err, step);
  }
}

/**
 * Checkpoints once nothing has been written for IDLE_CHECKPOINT_MS (the WAL file's modification time tells; a
 * checkpoint does not write the WAL itself). PASSIVE: it never waits for, or blocks, a writer.
 */
function checkpointWhenIdle(sqlite: Database.Database, walPath: string): NodeJS.Timeout {
  let checkpointed = 0;
  const timer = setInterval(() => {
    let written: number;
    try {
      written = statSync(walPath).mtimeMs;
    } catch {
      return; // no WAL file (yet)
    }
    if (written <= checkpointed || Date.now() - written < IDLE_CHECKPOINT_MS || !sqlite.open) return;
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
      checkpointed = written;
    } catch {
      // Busy or failing: SQLite's own checkpoint still runs at WAL_AUTOCHECKPOINT_PAGES; tried again next time.
    }
  }, IDLE_CHECKPOINT_MS);
  timer.unref();
  return timer;
}

function databaseOpenError(err: unknown, step: 'prepare' | 'open' | 'migrate'): DatabaseOpenError {
  if (err instanceof DatabaseOpenError) return err;
  if (err instanceof DatabaseInUseError) return new DatabaseOpenError('in_use', err.message);
  const code = String((err as { code?: unknown }).code ?? '');
  const detail = errorDetail(err);
  if (code === 'SQLITE_NOTADB') return new DatabaseOpenError('not_database', detail);
  if (code === 'SQLITE_CORRUPT') return new DatabaseOpenError('damaged', detail);
  if (['EACCES', 'EPERM', 'EROFS', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH'].includes(code) || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    return new DatabaseOpenError('read_only', detail);
  }
  if (step === 'migrate') return new DatabaseOpenError('migrations', detail);
  return new DatabaseOpenError('other', detail);
}

function errorDetail(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
