/**
 * Telegram or Market unreachable at start, and a TELEGRAM_CHAT_ID the bot is not in, as a seller meets them: the
 * bridge runs as its own process (what `npm start` runs) and what it prints is checked.
 *  - Telegram unreachable (closed port, or a server that never answers): one "start-up:" line naming Telegram and
 *    the root tried, within 15 s by default, then exit 1 (a supervisor restarts it; a seller sees what to fix).
 *  - Market unreachable: one line naming Market and the URL, then the bridge starts anyway (replies wait in the
 *    queue) and says so again every minute until Market answers; the key is then checked as at start.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/app.js';
import { FakeMarket } from '../fakes/market.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { fakesEnv } from '../helpers/env.js';
import { ADMIN, Harness } from '../helpers/harness.js';
import { BridgeProcess } from '../helpers/process.js';

let tg: FakeTelegram;
let market: FakeMarket;
let dir: string;
const cleanup: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  tg = await FakeTelegram.start();
  market = await FakeMarket.start();
  dir = mkdtempSync(join(tmpdir(), 'market-bridge-remote-'));
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await tg.stop();
  await market.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A loopback server that accepts connections and never answers (a black-holed proxy, a stuck firewall). */
async function silentServer(): Promise<string> {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  cleanup.push(async () => {
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  });
  return `http://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
}

function spawnBridge(extra: Record<string, string>, options: Record<string, unknown> = {}): BridgeProcess {
  const env = fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'info' }, extra);
  const p = BridgeProcess.spawnSource(env, { pollTimeoutSeconds: 1, shutdownGraceMs: 500, ...options });
  cleanup.push(async () => {
    if (!p.exit) await p.kill('SIGKILL');
  });
  return p;
}

function startupLines(p: BridgeProcess): string[] {
  return p.text().split('\n').filter((l) => l.startsWith('start-up: '));
}

describe('Telegram unreachable at start: one line naming Telegram and the root, then exit 1', { timeout: 60_000 }, () => {
  it('nothing listens at TELEGRAM_API_ROOT', async () => {
    const root = `http://127.0.0.1:${await closedPort()}`;
    const p = spawnBridge({ TELEGRAM_API_ROOT: root }, { startupCheckMs: 2_000 });
    expect(await p.waitExit(), p.text()).toBe(1);
    const lines = startupLines(p);
    expect(lines, p.text()).toHaveLength(1);
    expect(lines[0]).toMatch(/^start-up: Cannot reach Telegram at TELEGRAM_API_ROOT \(http:\/\/127\.0\.0\.1:\d+\)/);
    expect(lines[0]).toContain(root);
    expect(p.text()).not.toMatch(/^\s+at /m);
  });

  it('TELEGRAM_API_ROOT accepts the connection and never answers: the line comes within 15 s with the default bound', async () => {
    const root = await silentServer();
    const p = spawnBridge({ TELEGRAM_API_ROOT: root });
    // Counted from the bridge's first log line (written just before the checks), not from the spawn: on a loaded
    // test machine node + tsx alone can take seconds to boot, which `node dist/main.js` does not.
    await p.waitForOutput('TELEGRAM_CHAT_ID is not set', 30_000);
    await p.waitForOutput(/start-up: Cannot reach Telegram at TELEGRAM_API_ROOT/, 15_000);
    expect(await p.waitExit()).toBe(1);
    const lines = startupLines(p);
    expect(lines, p.text()).toHaveLength(1);
    expect(lines[0]).toContain(`(${root})`);
    expect(lines[0]).toMatch(/no answer within \d+ s/);
    expect(p.text()).not.toMatch(/^\s+at /m);
  });
});

describe('Market unreachable at start: one line naming Market, the bridge starts anyway and says so every minute', { timeout: 60_000 }, () => {
  it('nothing listens at MARKET_API_URL: started, replies answered by Telegram, reminders until stopped', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const p = spawnBridge({ MARKET_API_URL: url }, { startupCheckMs: 1_500, startupRetryMs: 1_000 });
    await p.waitForOutput(/start-up: Cannot reach Market at MARKET_API_URL/, 15_000);
    await p.waitForOutput('market-bridge started', 15_000);
    const first = startupLines(p)[0]!;
    expect(first).toContain(`(${url})`);
    expect(first).toMatch(/starting anyway/i);
    await p.waitForOutput(/start-up: Still cannot reach Market at MARKET_API_URL/, 10_000);
    // Telegram works meanwhile: /help is answered.
    const m = tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] });
    await tg.waitForBotMessage((b) => b.chat.id === ADMIN.id && b.message_id > m.message_id);
    p.child.kill('SIGTERM');
    expect(await p.waitExit()).toBe(0);
    expect(p.text()).not.toMatch(/^\s+at /m);
  });

  it('Market hangs at start, then answers: one line, then one line saying it answers, and no more reminders', async () => {
    market.failNext('getAuthTokenInfo', { kind: 'hang', ms: 20_000 }, 1);
    const p = spawnBridge({}, { startupCheckMs: 1_500, startupRetryMs: 1_000, marketTimeoutMs: 30_000 });
    await p.waitForOutput(/start-up: Cannot reach Market at MARKET_API_URL/, 15_000);
    await p.waitForOutput('market-bridge started', 15_000);
    await p.waitForOutput(/start-up: Market at MARKET_API_URL .* answers/, 10_000);
    const count = startupLines(p).length;
    expect(startupLines(p).filter((l) => /Still cannot reach/.test(l))).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_500)); // more than two retry periods
    expect(startupLines(p)).toHaveLength(count);
    expect(p.exit).toBeUndefined();
    p.child.kill('SIGTERM');
    expect(await p.waitExit()).toBe(0);
  });

  it('Market hangs at start and, once it answers, refuses the key: the start-up line and exit 1, as at start', async () => {
    market.failNext('getAuthTokenInfo', { kind: 'hang', ms: 20_000 }, 1);
    market.scopes = ['ALL_METHODS_READ_ONLY'];
    const p = spawnBridge({}, { startupCheckMs: 1_500, startupRetryMs: 1_000, marketTimeoutMs: 30_000 });
    await p.waitForOutput('market-bridge started', 15_000);
    expect(await p.waitExit(), p.text()).toBe(1);
    expect(startupLines(p).at(-1)).toMatch(/^start-up: MARKET_API_KEY lacks the "communication" scope/);
  });
});

describe('TELEGRAM_CHAT_ID must be a chat the bot is in', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function refused(chatId: number, prepare: (h: Harness) => void = () => undefined): Promise<StartupError> {
    h = await Harness.create({ env: { TELEGRAM_CHAT_ID: String(chatId) }, start: false });
    prepare(h);
    const err = await h.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect(h.tg.calls.filter((c) => c.method === 'getUpdates')).toEqual([]);
    expect(h.bridge).toBeUndefined();
    return err as StartupError;
  }

  it('a chat Telegram does not know for this bot (400 chat not found)', async () => {
    const err = await refused(-1009999999999);
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(/^TELEGRAM_CHAT_ID -1009999999999 /);
    expect(err.lines[0]).toContain('chat not found');
  });

  it('a group the bot was removed from', async () => {
    const err = await refused(-1001234567890, (x) => {
      x.tg.addGroup({ id: -1001234567890, title: 'Shop team', forum: true });
      x.tg.setBotRights(-1001234567890, { status: 'kicked' }, { notify: false });
    });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(/^TELEGRAM_CHAT_ID -1001234567890 /);
    expect(err.lines[0]).toMatch(/kicked/);
  });

  it('a group the bot left', async () => {
    const err = await refused(-1001234567890, (x) => {
      x.tg.addGroup({ id: -1001234567890, title: 'Shop team', forum: true });
      x.tg.setBotRights(-1001234567890, { status: 'left' }, { notify: false });
    });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(/^TELEGRAM_CHAT_ID -1001234567890 /);
    expect(err.lines[0]).toMatch(/not a member/);
  });

  it('a private chat with someone who never started the bot', async () => {
    const err = await refused(424242);
    expect(err.lines[0]).toMatch(/^TELEGRAM_CHAT_ID 424242 /);
  });

  it('the team forum the bot is in starts as before', async () => {
    h = await Harness.create({ env: { TELEGRAM_CHAT_ID: '-1001234567890' }, start: false });
    h.tg.addGroup({ id: -1001234567890, title: 'Shop team', forum: true });
    await h.start();
    expect(h.bridge).toBeDefined();
  });
});
