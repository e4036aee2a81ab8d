/**
 * Start-up problems a seller must fix are named, one line each, before the bridge takes any update: a token Telegram
 * refuses, a key without the communication scope, a business id that is not the key's, a missing configuration.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/app.js';
import { Harness, type HarnessOptions } from '../helpers/harness.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function startupError(opts: HarnessOptions): Promise<{ x: Harness; err: StartupError }> {
  const x = await Harness.create({ ...opts, start: false });
  h = x;
  let caught: unknown;
  try {
    await x.start();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StartupError);
  const err = caught as StartupError;
  // Nothing was taken from Telegram, and no secret is in what the seller reads.
  expect(x.tg.calls.filter((c) => c.method === 'getUpdates')).toEqual([]);
  expect(err.message).not.toContain(x.config.telegram.token);
  expect(err.message).not.toContain(x.config.market.apiKey);
  expect(x.bridge).toBeUndefined();
  return { x, err };
}

describe('startBridge refuses to start, naming what to fix', () => {
  it('a bot token Telegram refuses: TELEGRAM_BOT_TOKEN', async () => {
    const { err, x } = await startupError({ env: { TELEGRAM_BOT_TOKEN: '123456:WRONG-token' } });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(/^TELEGRAM_BOT_TOKEN was refused by Telegram \(401/);
    expect(err.lines[0]).toContain('@BotFather');
    expect(x.market.requests).toEqual([]); // Telegram is checked first
  });

  it('an Api-Key without the communication scope: MARKET_API_KEY', async () => {
    const { err } = await startupError({ market: { scopes: ['ALL_METHODS_READ_ONLY'] } });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(/^MARKET_API_KEY lacks the "communication" scope/);
    expect(err.lines[0]).toContain('ALL_METHODS_READ_ONLY');
  });

  it('an Api-Key Market refuses: MARKET_API_KEY', async () => {
    const { err } = await startupError({ env: { MARKET_API_KEY: 'ACMA:not-the-key:0000' } });
    expect(err.lines).toEqual([
      'MARKET_API_KEY was refused by Market (HTTP 401 UNAUTHORIZED): check the key in the Market cabinet (Settings → API and modules).',
    ]);
  });

  it('a business the key does not belong to: MARKET_BUSINESS_ID', async () => {
    const { err, x } = await startupError({ env: { MARKET_BUSINESS_ID: '778' } });
    expect(err.lines).toEqual([`MARKET_BUSINESS_ID 778 is not the business of this Api-Key (it belongs to ${x.market.businessId}).`]);
  });

  it('the SQLite file is closed after a refused start, so a corrected start works on the same file', async () => {
    const { x } = await startupError({ market: { scopes: ['ALL_METHODS_READ_ONLY'] } });
    x.market.scopes = ['COMMUNICATION'];
    await x.start();
    const { chatId, threadId } = x.forum();
    const m = x.says(chatId, threadId, '/help');
    await x.answerAfter(chatId, m.message_id, threadId);
  });
});

describe('npm start entry point', () => {
  it('with an empty environment exits non-zero with one "config:" line per missing variable and no stack trace', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'market-bridge-start-'));
    try {
      const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'src/main.ts')], {
        cwd,
        env: {},
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));

      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      const lines = stderr.trim().split('\n');
      for (const name of ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_ADMIN_IDS', 'MARKET_API_KEY']) {
        expect(lines.filter((l) => l.startsWith(`config: ${name} `)), name).toEqual([`config: ${name} is required`]);
      }
      // Only the three values a seller has in hand are required (issue 9): the business is found from the key.
      expect(lines.filter((l) => l.includes('MARKET_BUSINESS_ID'))).toEqual([]);
      expect(lines.every((l) => l.startsWith('config: ')), stderr).toBe(true);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr).not.toMatch(/Error:/);
      expect(stdout).toBe('');
      // Nothing was created: the configuration is checked before the database is opened.
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
