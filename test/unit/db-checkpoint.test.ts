/**
 * Checkpoints stay off the path of a reply (src/db/open.ts): SQLite's own runs only once the WAL holds 10,000 pages,
 * and the bridge checkpoints once the database has been quiet for a second. A real SQLite file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { kv } from '../../src/db/schema.js';

let opened: OpenDb | undefined;
let dir: string | undefined;
afterEach(() => {
  opened?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  opened = undefined;
  dir = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WAL checkpoints', () => {
  it('are not run inside commits below 10,000 WAL pages, and run once the database is quiet', async () => {
    dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
    const path = join(dir, 'bridge.sqlite');
    opened = openDb(path);
    const o = opened;
    expect(o.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    o.sqlite.pragma('wal_checkpoint(TRUNCATE)'); // the migrations' pages are in the file
    const before = statSync(path).size;
    // About 1,500 WAL pages in 300 commits: SQLite's default (1,000 pages) would have checkpointed inside one.
    for (let i = 0; i < 300; i++) o.db.insert(kv).values({ key: `k${i}`, value: 'x'.repeat(4000), updatedAt: i }).run();
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(1_000 * 4096);
    expect(statSync(path).size, 'nothing copied back into the database file yet').toBe(before);
    await sleep(2_500);
    expect(statSync(path).size, 'checkpointed after a quiet second').toBeGreaterThan(before + 300 * 4000);
  });
});
