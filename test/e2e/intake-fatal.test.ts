/**
 * Issue 7, item 24: when Telegram refuses getUpdates for good in the middle of a run (401: the token was revoked;
 * 409: another instance polls with the same token), the bridge process ends with one clear line and a non-zero
 * exit code, not with an unhandled rejection's stack trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMarket } from '../fakes/market.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { fakesEnv } from '../helpers/env.js';
import { ADMIN } from '../helpers/harness.js';
import { BridgeProcess } from '../helpers/process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a getUpdates refusal mid-run', () => {
  it.each([
    [401, 'TELEGRAM_BOT_TOKEN'],
    [409, 'another'],
  ] as const)('%s ends the process with one clear line and a non-zero exit code', async (code, named) => {
    const tg = await FakeTelegram.start();
    const market = await FakeMarket.start();
    const dir = mkdtempSync(join(tmpdir(), 'market-bridge-fatal-'));
    cleanups.push(
      () => tg.stop(),
      () => market.stop(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const env = fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'info' });
    const proc = BridgeProcess.spawnSource(env, { pollTimeoutSeconds: 1 });
    cleanups.push(() => {
      if (!proc.exit) proc.child.kill('SIGKILL');
    });
    await proc.waitForOutput('market-bridge started', 30_000);
    await tg.waitForCall('getUpdates');
    tg.failNext('getUpdates', { kind: 'status', code });

    const exitCode = await proc.waitExit();
    const out = proc.text();
    expect(exitCode, out).not.toBe(0);
    expect(exitCode, out).not.toBeNull();
    const lines = out.split('\n').filter((l) => l.startsWith('fatal: '));
    expect(lines, out).toHaveLength(1);
    expect(lines[0]).toContain(String(code));
    expect(lines[0]).toContain(named);
    // No stack trace, no "crashed" dump.
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain('crashed');
    expect(out.includes(tg.token)).toBe(false);
  }, 60_000);
});
