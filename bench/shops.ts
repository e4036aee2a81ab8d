/**
 * Shops benchmark: one bridge process (node dist/main.js) serving 20 shops, each a fake cabinet with its own Api-Key
 * behind one MARKET_API_URL (test/fakes/market-shops.ts), two linked topics per shop in one forum group.
 *
 *   latency      one message at a time, round-robin over the shops: update received -> the shop's Market request
 *   isolation    shop 1's sends are refused with a resource 420 an hour ahead while its replies keep coming; the
 *                other shops' latency is measured again and compared with the first figure
 *   memory       the bridge's RSS at the end
 *
 * Run: npm run bench (all sections) or npx tsx bench/shops.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMarketShops } from '../test/fakes/market-shops.js';
import { FakeTelegram, type Call } from '../test/fakes/telegram.js';
import { BridgeProcess, buildDist } from '../test/helpers/process.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const ADMIN = { id: 111, is_bot: false, first_name: 'Bench' };
const SHOPS = 20;
const TOPICS_PER_SHOP = 2;
const PROBES = 400;
const LIFTED = 1_000_000_000;

export async function benchShops(opts: { build?: boolean } = {}): Promise<Row[]> {
  if (opts.build !== false) buildDist();
  const tg = await FakeTelegram.start();
  const quotas = { sendMessageToChat: LIFTED, getChat: LIFTED, getChatHistory: LIFTED, getAuthTokenInfo: LIFTED, getCampaigns: LIFTED };
  const market = await FakeMarketShops.start(
    Array.from({ length: SHOPS }, (_, i) => ({
      apiKey: `ACMA:bench-shop-${i + 1}:0001`,
      businessId: 9_000 + i + 1,
      businessName: `Shop ${i + 1}`,
      campaignId: 2_000_000 + i + 1,
      quotas,
    })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-shops-'));
  const rows: Row[] = [];
  let bridge: BridgeProcess | undefined;
  try {
    bridge = BridgeProcess.spawn(
      {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_ADMIN_IDS: String(ADMIN.id),
        MARKET_API_KEY: market.markets.map((m) => m.apiKey).join(','),
        MARKET_API_URL: market.url,
        DATABASE_PATH: join(dir, 'bridge.sqlite'),
        LOG_LEVEL: 'info',
      },
      dir,
    );
    await tg.waitForCall('setMyCommands', undefined, 60_000);
    const group = tg.addGroup({ title: 'Agency', forum: true });
    const topics: { shop: number; threadId: number; chatId: number }[] = [];
    for (const [shop, m] of market.markets.entries()) {
      for (let j = 0; j < TOPICS_PER_SHOP; j++) {
        const topic = tg.createTopic(group.id, `Shop ${shop + 1} / ${j}`, { silent: true });
        const chat = m.addChat({ customerName: `Buyer ${shop}-${j}` });
        const cmd = tg.userSends({ chatId: group.id, threadId: topic.message_thread_id, from: ADMIN, text: `/link ${m.businessId} ${chat.chatId}` });
        await tg.waitForBotMessage((x) => x.reply_to_message?.message_id === cmd.message_id, 10_000);
        topics.push({ shop, threadId: topic.message_thread_id, chatId: chat.chatId });
      }
    }

    const probe = async (which: typeof topics, n: number, tag: string): Promise<number[]> => {
      const lat: number[] = [];
      for (let i = 0; i < n; i++) {
        const topic = which[i % which.length]!;
        const m = market.markets[topic.shop]!;
        const text = `${tag} ${i}`;
        const callsFrom = tg.calls.length;
        const reqFrom = m.requests.length;
        const msg = tg.userSends({ chatId: group.id, threadId: topic.threadId, from: ADMIN, text });
        const all = tg.allUpdates();
        const updateId = all[all.length - 1]!.update_id;
        await tg.waitForCall('setMessageReaction', (c) => c.params.message_id === msg.message_id && c.params.chat_id === group.id, 10_000);
        // A long poll already waiting when the message was sent is logged before callsFrom: look from a bit earlier.
        const delivered = deliveredAt(tg.calls, Math.max(0, callsFrom - 20), updateId);
        const req = m.requests.slice(reqFrom).find((r) => (r.body as { message?: string } | undefined)?.message === text);
        if (delivered === undefined || !req) throw new Error(`probe ${tag} ${i}: timestamps missing (delivered ${delivered}, request ${req ? "found" : `missing among ${m.requests.slice(reqFrom).map((r) => r.operationId + ":" + r.status).join(",")}`})`);
        lat.push(req.startedAt - delivered);
      }
      return lat;
    };

    await probe(topics, 100, 'warm');
    const others = topics.filter((t) => t.shop !== 0);
    const before = await probe(others, PROBES, 'before');
    rows.push(row(`added latency, ${SHOPS} shops, update -> Market request (p50)`, percentile(before, 50), 2));
    rows.push(row(`added latency, ${SHOPS} shops, update -> Market request (p99)`, percentile(before, 99), 10));

    // Shop 1 runs out of its hourly sendMessageToChat quota: Market answers 420 until an hour ahead.
    const until = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000).toUTCString();
    market.markets[0]!.failNext('sendMessageToChat', { kind: 'status', status: 420, headers: { 'X-RateLimit-Resource-Until': until } }, 1000);
    const stuck = topics.filter((t) => t.shop === 0);
    for (let i = 0; i < 200; i++) {
      const t = stuck[i % stuck.length]!;
      tg.userSends({ chatId: group.id, threadId: t.threadId, from: ADMIN, text: `shop 1 waits ${i}` });
    }
    const after = await probe(others, PROBES, 'after');
    const p50b = percentile(before, 50);
    const p50a = percentile(after, 50);
    const p99b = percentile(before, 99);
    const p99a = percentile(after, 99);
    rows.push(row('other shops while shop 1 is out of quota (p50)', p50a, 2));
    rows.push(row('other shops while shop 1 is out of quota (p99)', p99a, 10));
    const sameP50 = p50a <= p50b * 1.5 + 0.5;
    rows.push({
      section: 'shops',
      metric: 'p50 / p99 before -> during shop 1’s quota exhaustion',
      value: `${fmt(p50b)} / ${fmt(p99b)} -> ${fmt(p50a)} / ${fmt(p99a)} ms`,
      target: 'p50 unchanged (<= 1.5x + 0.5 ms)',
      ok: sameP50,
    });
    const shop1Sent = market.markets[0]!.requests.filter((r) => r.operationId === 'sendMessageToChat' && r.status === 200).length;
    const shop1Tried = market.markets[0]!.requests.filter((r) => r.operationId === 'sendMessageToChat' && r.status === 420).length;
    rows.push({
      section: 'shops',
      metric: 'shop 1 sends tried during its 420 (then it waits)',
      value: `${shop1Tried} (420) / ${shop1Sent} (200 before)`,
      target: 'a few, not one per reply',
      ok: shop1Tried <= 5,
    });

    const mb = bridge.rss() / 1024 / 1024;
    rows.push({ section: 'shops', metric: `bridge RSS with ${SHOPS} shops`, value: `${mb.toFixed(1)} MB`, target: '< 150 MB', ok: mb < 150 });
    const violations = market.violations.length;
    const maxInFlight = Math.max(...market.markets.map((m) => m.maxInFlightSeen));
    rows.push({
      section: 'shops',
      metric: 'requests outside the spec / max in flight at one business',
      value: `${violations} / ${maxInFlight}`,
      target: '0 / <= 4',
      ok: violations === 0 && maxInFlight <= 4,
    });
    return rows;
  } finally {
    await bridge?.kill('SIGTERM');
    await tg.stop();
    await market.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** When the fake Telegram first answered a getUpdates carrying `updateId`. */
function deliveredAt(calls: Call[], from: number, updateId: number): number | undefined {
  for (let i = from; i < calls.length; i++) {
    const c = calls[i]!;
    if (c.method !== 'getUpdates' || !c.ok || !Array.isArray(c.result)) continue;
    if ((c.result as { update_id: number }[]).some((u) => u.update_id === updateId)) return c.doneAt;
  }
  return undefined;
}

function row(metric: string, ms: number, targetMs: number): Row {
  return { section: 'shops', metric, value: `${fmt(ms)} ms`, target: `< ${targetMs} ms`, ok: ms < targetMs };
}

runIfMain(import.meta.url, benchShops);
