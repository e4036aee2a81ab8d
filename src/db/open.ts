/**
 * Opens the SQLite file (created with mode 0600: it holds buyers' messages), switches on WAL so a crash at any
 * moment leaves whole rows only, and applies the committed migrations.
 */
import { closeSync, existsSync, mkdirSync, openSync, chmodSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDb {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/** The committed migrations, found relative to this file so it works from src/ (tsx, vitest) and dist/. */
const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function openDb(path: string): OpenDb {
  if (path !== ':memory:') {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    else chmodSync(path, 0o600);
  }
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable against a killed process (only an OS crash can lose the last commits) and much faster.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    db,
    sqlite,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
