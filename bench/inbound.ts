/**
 * Inbound sync benchmark (buyer -> Telegram), against the fake Market and fake Telegram on loopback.
 *
 *   push path    the bridge in this process; per probe: fake.addMessage, then syncChat() as the notification handler
 *                calls it, until the fake Telegram receives the sendMessage (Telegram pacing lifted)
 *   polling      the same without syncChat: a message added at a random moment appears within one interval + 200 ms
 *   cost         10,000 chats known and unchanged: a full scan and an open-status scan, counting Market requests
 *   memory       the built bridge in its own process (node dist/main.js) with 10,000 synced chats and 100,000 mapped
 *                messages seeded in its database, after its first full scan (which also syncs 100 changed chats)
 *
 * Run: npm run bench (all sections) or npx tsx bench/inbound.ts. BENCH_INBOUND_PROBES sets the push probes (300);
 * BENCH_INBOUND_ONLY=push,cost,memory runs a subset; BENCH_INBOUND_CHATS sizes the memory run (10,000);
 * BENCH_BRIDGE_LOG_LEVEL shows the memory run's bridge log on failure (default warn).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config.js';
import { startBridge, type Bridge } from '../src/app.js';
import { DEFAULT_SYNC_OPTIONS } from '../src/bridge/sync.js';
import { openDb } from '../src/db/open.js';
import { inboundMessages, kv, marketChats, threads } from '../src/db/schema.js';
import { createLogger } from '../src/logger.js';
import { FakeMarket, type ChatInfo } from '../test/fakes/market.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { fakesEnv } from '../test/helpers/env.js';
import { BridgeProcess, buildDist } from '../test/helpers/process.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const SECTION = 'inbound';
const ADMIN_ID = 111;
const GROUP_ID = -1001234567890;
const LIFTED = { groupPerMinute: 1e9, privatePerSecond: 1e9, globalPerSecond: 1e9 };
const DAY = 24 * 60 * 60_000;
const hrNow = () => performance.timeOrigin + performance.now();
/** Issue 13: the bridge's RSS after a 10,000-chat scan. */
const RSS_TARGET_MB = 100;

export async function benchInbound(opts: { build?: boolean; probes?: number } = {}): Promise<Row[]> {
  // BENCH_INBOUND_ONLY=push,cost,memory runs a subset (when looking into one figure).
  const only = process.env.BENCH_INBOUND_ONLY?.split(',');
  const run = (part: string) => !only || only.includes(part);
  const rows: Row[] = [];
  if (run('push')) rows.push(...(await pushAndPolling(opts.probes ?? Number(process.env.BENCH_INBOUND_PROBES ?? 300))));
  if (run('cost')) rows.push(...(await unchangedShop(10_000, 100)));
  if (run('memory')) rows.push(...(await memory(Number(process.env.BENCH_INBOUND_CHATS ?? 10_000), 10, 100, opts.build !== false)));
  return rows;
}

interface Rig {
  tg: FakeTelegram;
  market: FakeMarket;
  bridge: Bridge;
  close(): Promise<void>;
}

/** Fakes plus the real wiring in this process, buyer chats going to a forum supergroup. */
async function rig(p: { intervalMs: number; seed?: (market: FakeMarket) => void }): Promise<Rig> {
  const tg = await FakeTelegram.start();
  const market = await FakeMarket.start();
  tg.addGroup({ id: GROUP_ID, title: 'Bench shop', forum: true });
  p.seed?.(market);
  const dir = mkdtempSync(join(tmpdir(), 'bench-inbound-'));
  const parsed = parseConfig(
    fakesEnv(tg, market, { adminIds: [ADMIN_ID], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'silent' }, {
      TELEGRAM_CHAT_ID: String(GROUP_ID),
    }),
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const log = createLogger({ level: 'silent', secrets: [tg.token, market.apiKey] });
  const bridge = await startBridge(parsed.config, {
    log,
    pollTimeoutSeconds: 1,
    inbound: { pacing: LIFTED, sync: { intervalMs: p.intervalMs } },
  });
  return {
    tg,
    market,
    bridge,
    close: async () => {
      await bridge.stop();
      await tg.stop();
      await market.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pushAndPolling(probes: number): Promise<Row[]> {
  const rows: Row[] = [];
  // ---- push: syncChat right after the message exists ----
  let r = await rig({ intervalMs: 3_600_000 });
  try {
    const inbound = r.bridge.inbound!;
    const chats = Array.from({ length: 20 }, (_, i) => r.market.addChat({ customerName: `Buyer ${i}` }));
    for (const c of chats) {
      r.market.addMessage(c.chatId, { message: `warm-up ${c.chatId}` });
      await inbound.syncChat(c.chatId, 'CHAT_CREATED');
    }
    await inbound.sync.idle();
    const lat: number[] = [];
    for (let i = 0; i < probes; i++) {
      const chat = chats[i % chats.length]!;
      const text = `push probe ${i}`;
      r.market.addMessage(chat.chatId, { message: text });
      const t0 = hrNow();
      void inbound.syncChat(chat.chatId, 'CHAT_MESSAGE_SENT');
      const call = await r.tg.waitForCall('sendMessage', (c) => c.params.text === `👤 Buyer\n${text}`, 10_000);
      lat.push(call.at - t0);
      await inbound.sync.idle();
      if (i % 50 === 49) r.tg.calls.length = 0; // the fake's call log is searched on every wait
    }
    rows.push(latency(`push path, syncChat -> Telegram sendMessage (p50, ${probes} probes)`, percentile(lat, 50), 50));
    rows.push(latency('push path, syncChat -> Telegram sendMessage (p99)', percentile(lat, 99), 200));
    rows.push(spec(r.market, 'push run'));
  } finally {
    await r.close();
  }

  // ---- polling: nobody calls syncChat ----
  const intervalMs = 1000;
  r = await rig({ intervalMs });
  try {
    const chat = r.market.addChat({ customerName: 'Polled' });
    r.market.addMessage(chat.chatId, { message: 'first' });
    await r.tg.waitForCall('sendMessage', (c) => c.params.text === '👤 Buyer\nfirst', 10_000);
    const lat: number[] = [];
    for (let i = 0; i < 8; i++) {
      await new Promise((res) => setTimeout(res, Math.random() * intervalMs));
      const text = `poll probe ${i}`;
      r.market.addMessage(chat.chatId, { message: text });
      const t0 = hrNow();
      const call = await r.tg.waitForCall('sendMessage', (c) => c.params.text === `👤 Buyer\n${text}`, 10_000);
      lat.push(call.at - t0);
    }
    const worst = Math.max(...lat);
    rows.push({
      section: SECTION,
      metric: `polling path, message -> Telegram (interval ${intervalMs} ms; p50 / max of ${lat.length})`,
      value: `${fmt(percentile(lat, 50))} / ${fmt(worst)} ms`,
      target: `max < ${intervalMs + 200} ms`,
      ok: worst < intervalMs + 200,
    });
  } finally {
    await r.close();
  }
  return rows;
}

/** 10,000 chats the bridge already knows, none changed: what a full scan and an open-status scan cost. */
async function unchangedShop(total: number, open: number): Promise<Row[]> {
  const rows: Row[] = [];
  const r = await rig({ intervalMs: 3_600_000, seed: (market) => seedChats(market, total, open) });
  try {
    const sync = r.bridge.inbound!.sync;
    // The first start remembers every chat (all quiet for days): wait for that scan, then measure fresh ones.
    await until(() => r.market.count('getChats') >= Math.ceil(total / 20), 120_000);
    await sync.idle();
    await new Promise((res) => setTimeout(res, 200));
    const start = r.market.requests.length;
    const t0 = performance.now();
    const full = await sync.scan('full');
    const fullMs = performance.now() - t0;
    const afterFull = r.market.requests.length;
    const openScan = await sync.scan('open');
    const byOp = (from: number, to: number) => {
      const ops = r.market.requests.slice(from, to).map((q) => q.operationId ?? '?');
      return { getChats: ops.filter((o) => o === 'getChats').length, other: ops.filter((o) => o !== 'getChats').length };
    };
    const f = byOp(start, afterFull);
    const o = byOp(afterFull, r.market.requests.length);
    const fullPages = Math.ceil(total / 20);
    // An open scan also looks again at chats finished in the last week (a buyer may write into one): the seeded
    // chats finished three days ago, so the newest of them fill the watch's pages.
    const watchPages = Math.min(DEFAULT_SYNC_OPTIONS.finishedWatchPages, Math.ceil((total - open) / 20));
    const openPages = Math.ceil(open / 20) + watchPages;
    rows.push({
      section: SECTION,
      metric: `full scan of ${total} unchanged chats: requests (took ${(fullMs / 1000).toFixed(1)} s on loopback)`,
      value: `${f.getChats} getChats + ${f.other} other`,
      target: `${fullPages} getChats + 0 other`,
      ok: f.getChats === fullPages && f.other === 0 && full.synced === 0,
    });
    rows.push({
      section: SECTION,
      metric: `open-status scan (${open} open of ${total}, ${watchPages} pages of recently finished): requests`,
      value: `${o.getChats} getChats + ${o.other} other`,
      target: `${openPages} getChats + 0 other`,
      ok: o.getChats === openPages && o.other === 0 && openScan.synced === 0,
    });
    // Steady state with the default schedule: an open scan a minute, a full scan every 15 minutes.
    const perHour = 60 * openPages + 4 * fullPages;
    rows.push({
      section: SECTION,
      metric: `getChats per hour at ${total} chats, default schedule (from the pages above)`,
      value: `${perHour} (60 × ${openPages} + 4 × ${fullPages})`,
      target: '<= 4000 (quota 5000 minus the sellers’ reserve)',
      ok: perHour <= 4000,
    });
    rows.push(spec(r.market, `${total}-chat scans`));
  } finally {
    await r.close();
  }
  return rows;
}

/** Chats quiet for days: `open` of them waiting for the buyer, the rest finished. */
export function seedChats(market: FakeMarket, total: number, open: number): ChatInfo[] {
  const at = new Date(Date.now() - 3 * DAY + 3 * 3_600_000).toISOString().replace('Z', '+03:00');
  return Array.from({ length: total }, (_, i) =>
    market.addChat({
      customerName: `Buyer ${i}`,
      status: i < open ? 'WAITING_FOR_CUSTOMER' : 'FINISHED',
      createdAt: at,
      updatedAt: at,
    }),
  );
}

async function memory(total: number, perChat: number, changed: number, build: boolean): Promise<Row[]> {
  if (build) buildDist();
  const tg = await FakeTelegram.start();
  const market = await FakeMarket.start();
  const dir = mkdtempSync(join(tmpdir(), 'bench-inbound-mem-'));
  const dbPath = join(dir, 'bridge.sqlite');
  let bridge: BridgeProcess | undefined;
  try {
    tg.addGroup({ id: GROUP_ID, title: 'Bench shop', forum: true });
    const chats = seedChats(market, total, changed);
    seedDatabase(dbPath, chats, perChat, changed);
    for (const c of chats.slice(0, changed)) market.addMessage(c.chatId, { message: `new question in ${c.chatId}` });

    bridge = BridgeProcess.spawn(
      fakesEnv(
        tg,
        market,
        { adminIds: [ADMIN_ID], databasePath: dbPath, logLevel: process.env.BENCH_BRIDGE_LOG_LEVEL ?? 'warn' },
        { TELEGRAM_CHAT_ID: String(GROUP_ID), MARKET_POLL_INTERVAL_SECONDS: '3600' },
      ),
      dir,
    );
    // The first full scan reads every page and syncs the changed chats; Telegram pacing (20 a minute per group)
    // makes posting them slow, so memory is sampled once the scan has read the list and while posting goes on.
    const started = (): string => `bridge output:\n${bridge?.text().slice(-3000) ?? ''}`;
    await until(() => market.count('getChats') >= Math.ceil(total / 20), 180_000, started);
    await until(() => tg.calls.filter((c) => c.method === 'sendMessage').length >= 5, 120_000, started);
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      peak = Math.max(peak, bridge.rss());
      await new Promise((res) => setTimeout(res, 200));
    }
    const mb = peak / 1024 / 1024;
    return [
      {
        section: SECTION,
        metric: `bridge RSS, ${total} synced chats + ${total * perChat} mapped messages, after a full scan`,
        value: `${mb.toFixed(1)} MB`,
        target: `<= ${RSS_TARGET_MB} MB`,
        ok: mb <= RSS_TARGET_MB,
      },
      spec(market, 'memory run'),
    ];
  } finally {
    if (bridge && !(await bridge.terminate())) {
      throw new Error(`bench: the bridge did not stop within 20 s of SIGTERM:\n${bridge.text().slice(-3000)}`);
    }
    await tg.stop();
    await market.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The database of a bridge that has synced every chat: cursors level with Market, messages mapped, topics linked.
 * The first `fresh` chats have no topic yet (they are about to get a new message, and a topic with it).
 */
export function seedDatabase(path: string, chats: ChatInfo[], perChat: number, fresh: number): void {
  const { db, sqlite, close } = openDb(path);
  try {
    const now = Date.now();
    sqlite.transaction(() => {
      for (const [i, info] of chats.entries()) {
        const id = info.chatId;
        const linked = i >= fresh;
        db.insert(marketChats)
          .values({
            marketChatId: id,
            type: info.type,
            status: info.status,
            contextType: info.context.type,
            orderId: info.context.orderId ?? null,
            customerName: info.context.customer?.name ?? null,
            marketCreatedAt: info.createdAt,
            marketUpdatedAt: Date.parse(info.updatedAt),
            lastMessageId: perChat,
            shownStatus: info.status,
            topicTitle: linked ? `Order ${info.context.orderId} · ${info.context.customer?.name}` : null,
            cardMessageId: linked ? 100_000 + i : null,
            createdAt: now,
            updatedAt: now,
          })
          .run();
        if (linked) {
          db.insert(threads)
            .values({ tgChatId: GROUP_ID, tgThreadId: 1_000_000 + i, marketChatId: id, linkedBy: null, createdAt: now })
            .run();
        }
        for (let m = 1; m <= perChat; m++) {
          db.insert(inboundMessages)
            .values({
              marketChatId: id,
              marketMessageId: m,
              sender: 'CUSTOMER',
              createdAt: now - DAY,
              text: `seeded message ${m} of chat ${id}, about the size of a real buyer question`,
              state: 'delivered',
              partsSent: 1,
              tgChatId: GROUP_ID,
              tgMessageId: 2_000_000 + i * perChat + m,
              recordedAt: now,
              deliveredAt: now,
            })
            .run();
        }
      }
      db.insert(kv).values({ key: 'inbound.firstFullScanAt', value: String(now - DAY), updatedAt: now }).run();
    })();
  } finally {
    close();
  }
}

function latency(metric: string, ms: number, targetMs: number): Row {
  return { section: SECTION, metric, value: `${fmt(ms)} ms`, target: `< ${targetMs} ms`, ok: ms < targetMs };
}

function spec(market: FakeMarket, run: string): Row {
  const v = market.violations.length;
  return {
    section: SECTION,
    metric: `requests outside the spec / max in flight at Market (${run})`,
    value: `${v} / ${market.maxInFlightSeen}`,
    target: '0 / <= 4',
    ok: v === 0 && market.maxInFlightSeen <= 4,
  };
}

async function until(check: () => boolean, timeoutMs: number, detail?: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`bench: condition not met within ${timeoutMs} ms${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}


runIfMain(import.meta.url, benchInbound);
