/**
 * Issue 8: `npm run backup -- <file>` makes a consistent copy of the live database while the bot runs (SQLite's
 * online backup), and the README's restore steps bring a bridge back with everything the copy held.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './helpers/harness.js';
import { ROOT, TSX_LOADER } from './helpers/process.js';

const run = promisify(execFile);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The backup command as `npm run backup` runs it, from the sources (dist/backup.js is the same file built). */
function backup(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src', 'backup.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

describe('npm run backup', () => {
  it('copies the live database while the bridge keeps writing, and the copy restores', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await h.linkedTopic();
    for (let i = 1; i <= 3; i++) {
      const m = h.says(chatId, threadId, `До копии ${i}`);
      expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    }
    const file = join(h.dir, 'copy.sqlite');
    // Replies keep coming while the copy is made.
    const during = Array.from({ length: 5 }, (_, i) => h!.says(chatId, threadId, `Во время копии ${i + 1}`));
    const { stdout } = await backup({ DATABASE_PATH: h.dbPath }, file);
    expect(stdout).toMatch(/^backup: .* -> .*copy\.sqlite \(\d+ KiB, checked\)\n$/);
    for (const m of during) expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const ext of ['.partial', '.partial-wal', '.partial-shm', '-wal', '-shm']) expect(existsSync(`${file}${ext}`), ext).toBe(false);
    const copy = new Database(file, { readonly: true });
    const texts = copy.prepare("SELECT text FROM relays WHERE state = 'delivered' ORDER BY id").all() as { text: string }[];
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    // Everything from before the backup is in it; what came during it is there whole or not at all.
    expect(texts.slice(0, 3).map((r) => r.text)).toEqual(['До копии 1', 'До копии 2', 'До копии 3']);
    expect(texts.slice(3).every((r) => r.text.startsWith('Во время копии'))).toBe(true);
    const kept = texts.length;

    // Restore as the README says: stop, put the copy in place of the database (and drop its -wal/-shm), start.
    await h.stop();
    for (const ext of ['', '-wal', '-shm']) rmSync(`${h.dbPath}${ext}`, { force: true });
    copyFileSync(file, h.dbPath);
    await h.start();
    const restored = h.rows<{ n: number }>("SELECT count(*) AS n FROM relays WHERE state = 'delivered'")[0]!.n;
    expect(restored).toBe(kept);
    // The link came back with it: a new reply in the topic still reaches the buyer.
    const after = h.says(chatId, threadId, 'После восстановления');
    expect(await h.reacted(chatId, after.message_id)).toEqual(['👍']);
  }, 90_000); // each backup command is a node process loading TypeScript; slow on a busy machine

  it('refuses to overwrite the live database, and says what is missing', async () => {
    h = await Harness.create();
    await expect(backup({ DATABASE_PATH: h.dbPath }, h.dbPath)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is the live database itself'),
    });
    await expect(backup({ DATABASE_PATH: join(h.dir, 'nope.sqlite') }, join(h.dir, 'x.sqlite'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('does not exist'),
    });
    await expect(backup({ DATABASE_PATH: h.dbPath })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run backup -- <file>') });
  }, 90_000);
});
