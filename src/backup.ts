/**
 * `npm run backup -- <file>`: a consistent copy of the live database, safe while the bot runs. SQLite's online
 * backup (better-sqlite3's backup()) copies page by page and restarts when the bot writes in between, so the copy
 * is one moment of the database, never half of a write. The copy gets mode 0600 (it holds buyers' messages) and is
 * checked before it is reported good. DATABASE_PATH comes from .env or the environment, as for `npm start`.
 */
import { chmodSync, existsSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { DEFAULT_DATABASE_PATH, loadDotEnv } from './config.js';

export async function backupDatabase(source: string, target: string): Promise<{ pages: number; bytes: number }> {
  if (!existsSync(source)) throw new Error(`DATABASE_PATH ${source} does not exist`);
  const dest = resolve(target);
  if (!existsSync(dirname(dest))) throw new Error(`the folder of ${target} does not exist`);
  if (existsSync(dest) && realpathSync(dest) === realpathSync(source)) {
    throw new Error(`${target} is the live database itself: choose another file`);
  }
  // Written next to the target, then renamed: an interrupted backup never leaves a half file under the name.
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const progress = await db.backup(partial);
    chmodSync(partial, 0o600);
    // The copy is one file: rollback journal, so no -wal/-shm beside it.
    const rw = new Database(partial);
    rw.pragma('journal_mode = DELETE');
    rw.close();
    const copy = new Database(partial, { readonly: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed SQLite's check: ${String(check)}`);
      const pages = copy.pragma('page_count', { simple: true }) as number;
      const size = copy.pragma('page_size', { simple: true }) as number;
      copy.close();
      renameSync(partial, dest);
      for (const ext of ['-wal', '-shm']) rmSync(`${partial}${ext}`, { force: true });
      return { pages: progress.totalPages || pages, bytes: pages * size };
    } finally {
      if (copy.open) copy.close();
    }
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const target = argv[0];
  if (!target || argv.length > 1) {
    process.stderr.write('usage: npm run backup -- <file>   (a consistent copy of DATABASE_PATH, safe while the bot runs)\n');
    return 2;
  }
  loadDotEnv();
  const source = process.env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH;
  try {
    const { bytes } = await backupDatabase(source, target);
    process.stdout.write(`backup: ${source} -> ${target} (${Math.ceil(bytes / 1024)} KiB, checked)\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`backup: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
