/**
 * DATABASE_PATH problems a seller can meet at start: a directory that cannot be created, a read-only place, a file
 * that is not a database, a directory, and a second bridge on the same database. Each ends the start with one line
 * naming DATABASE_PATH (no stack trace) and a non-zero exit; a second process never runs next to the first, and a
 * SIGKILLed bridge does not block the next start. The bridge runs as its own process, as `npm start` runs it.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMarket } from '../fakes/market.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { fakesEnv } from '../helpers/env.js';
import { ADMIN } from '../helpers/harness.js';
import { BridgeProcess } from '../helpers/process.js';

let tg: FakeTelegram;
let market: FakeMarket;
let dir: string;
const running: BridgeProcess[] = [];

beforeAll(async () => {
  tg = await FakeTelegram.start();
  market = await FakeMarket.start();
  dir = mkdtempSync(join(tmpdir(), 'market-bridge-dbpath-'));
  chmodSync(dir, 0o755);
});
afterAll(async () => {
  for (const p of running) if (!p.exit) await p.kill('SIGKILL');
  await tg.stop();
  await market.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(databasePath: string, as?: { uid: number; gid: number }): BridgeProcess {
  const env = fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath, logLevel: 'info' });
  const p = BridgeProcess.spawnSource(env, { pollTimeoutSeconds: 1, shutdownGraceMs: 500 }, as);
  running.push(p);
  return p;
}

/** Runs the bridge on `databasePath` until it exits; returns its exit code and its stderr lines. */
async function refusedStart(databasePath: string, as?: { uid: number; gid: number }): Promise<{ code: number | null; lines: string[] }> {
  const p = start(databasePath, as);
  const code = await p.waitExit();
  const stderr = p.output.join('');
  return { code, lines: stderr.trim().split('\n') };
}

function expectOneDatabaseLine(r: { code: number | null; lines: string[] }, path: string): string {
  expect(r.code, r.lines.join('\n')).toBe(1);
  const mine = r.lines.filter((l) => l.startsWith('start-up: '));
  expect(mine, r.lines.join('\n')).toHaveLength(1);
  expect(mine[0]).toMatch(/^start-up: DATABASE_PATH /);
  expect(mine[0]).toContain(path);
  expect(r.lines.join('\n')).not.toMatch(/^\s+at /m);
  expect(r.lines.join('\n')).not.toMatch(/crashed/);
  return mine[0]!;
}

describe('a DATABASE_PATH the bridge cannot use stops the start with one line naming it', { timeout: 60_000 }, () => {
  it('its directory cannot be created (a file is in the way)', async () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    const path = join(dir, 'plain-file', 'data', 'bridge.sqlite');
    const line = expectOneDatabaseLine(await refusedStart(path), path);
    expect(line).toMatch(/directory/);
    expect(tg.calls.filter((c) => c.method === 'getUpdates')).toEqual([]);
  });

  it('the file is not an SQLite database', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'These are my notes, not a database. '.repeat(200));
    chmodSync(path, 0o644);
    const line = expectOneDatabaseLine(await refusedStart(path), path);
    expect(line).toMatch(/not an SQLite database/);
    expect(statSync(path).mode & 0o777, 'the file is left as it was').toBe(0o644);
  });

  it('the path is a directory', async () => {
    const path = join(dir, 'a-directory');
    mkdirSync(path);
    const line = expectOneDatabaseLine(await refusedStart(path), path);
    expect(line).toMatch(/is a directory/);
  });

  it('the directory is read-only for the user the bridge runs as', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro, { mode: 0o755 });
    const path = join(ro, 'bridge.sqlite');
    // root may write anywhere: a test run by root meets the read-only directory as an ordinary user would.
    let as: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      as = { uid: 65534, gid: 65534 };
      chownSync(ro, 0, 0);
    } else chmodSync(ro, 0o555);
    try {
      const line = expectOneDatabaseLine(await refusedStart(path, as), path);
      expect(line).toMatch(/read-only|not allowed to write/);
    } finally {
      chmodSync(ro, 0o755);
    }
  });
});

describe('one process per database', () => {
  it('a second bridge on the same database exits at start with one line; a SIGKILLed one does not block the next', { timeout: 90_000 }, async () => {
    const path = join(dir, 'shared', 'bridge.sqlite');
    const first = start(path);
    await first.waitForOutput('market-bridge started', 30_000);

    const second = await refusedStart(path);
    const line = expectOneDatabaseLine(second, path);
    expect(line).toMatch(/another market-bridge/);
    expect(first.exit).toBeUndefined(); // the first one is untouched

    await first.kill('SIGKILL');
    const third = start(path);
    await third.waitForOutput('market-bridge started', 30_000);
    third.child.kill('SIGTERM');
    expect(await third.waitExit()).toBe(0);
  });
});
