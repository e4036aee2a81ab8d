/**
 * Relay benchmark: the built bridge (node dist/main.js, its own process) against the fake Telegram and fake
 * Market in this process, on loopback. Baseline in the same run: raw axios POSTs to the same fake Market.
 *
 *   latency      one message at a time; from the moment the fake Telegram answers the getUpdates that carries the
 *                update to the moment the fake Market receives the send (inbound leg), and from the moment the
 *                fake Market has answered to the moment the fake Telegram receives the 👍 (echo leg)
 *   throughput   a burst across 50 topics, Market quotas lifted (the bridge adopts the fake's
 *                X-RateLimit-Resource-Limit), replies/s from first update to last echo
 *   memory       the bridge's RSS sampled over BENCH_RELAYS relays in total (default 100,000)
 *
 * Run: npm run bench (all sections) or npx tsx bench/relay.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { FakeMarket } from '../test/fakes/market.js';
import { FakeTelegram, type Call } from '../test/fakes/telegram.js';
import { BridgeProcess, buildDist } from '../test/helpers/process.js';
import { fakesEnv } from '../test/helpers/env.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const ADMIN = { id: 111, is_bot: false, first_name: 'Bench' };
const TOPICS = 50;
const LIFTED = 1_000_000_000;

export async function benchRelay(opts: { relays?: number; build?: boolean } = {}): Promise<Row[]> {
  const total = opts.relays ?? Number(process.env.BENCH_RELAYS ?? 100_000);
  if (opts.build !== false) buildDist();
  const tg = await FakeTelegram.start();
  const market = await FakeMarket.start({
    quotas: { sendMessageToChat: LIFTED, getChat: LIFTED, getChatHistory: LIFTED, getAuthTokenInfo: LIFTED, getCampaigns: LIFTED },
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const rows: Row[] = [];
  let bridge: BridgeProcess | undefined;
  try {
    // ---- baseline: the same fake Market, raw axios, 4 in flight like the bridge ----
    const raw = axios.create({ baseURL: market.url, headers: { 'Api-Key': market.apiKey } });
    const chat0 = market.addChat({ customerName: 'Baseline' });
    const url = `/v2/businesses/${market.businessId}/chats/message`;
    const rawLat: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = performance.now();
      await raw.post(url, { message: `baseline ${i}` }, { params: { chatId: chat0.chatId } });
      rawLat.push(performance.now() - t);
    }
    const rawN = 4000;
    const rawStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < rawN) {
          const i = next++;
          await raw.post(url, { message: `burst ${i}` }, { params: { chatId: chat0.chatId } });
        }
      }),
    );
    const rawRate = rawN / ((performance.now() - rawStart) / 1000);
    rows.push({ section: 'baseline', metric: 'raw axios POST round trip p50 / p99', value: `${fmt(percentile(rawLat, 50))} / ${fmt(percentile(rawLat, 99))} ms`, target: '-', ok: true });
    rows.push({ section: 'baseline', metric: 'raw axios POST throughput (4 in flight)', value: `${rawRate.toFixed(0)} req/s`, target: '-', ok: true });

    // ---- the bridge, its topics linked ----
    bridge = BridgeProcess.spawn(
      fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'info' }),
      dir,
    );
    await tg.waitForCall('setMyCommands', undefined, 30_000);
    const group = tg.addGroup({ title: 'Bench shop', forum: true });
    const topics: { threadId: number; chatId: number }[] = [];
    for (let i = 0; i < TOPICS; i++) {
      const topic = tg.createTopic(group.id, `Topic ${i}`, { silent: true });
      const chat = market.addChat({ customerName: `Buyer ${i}` });
      const cmd = tg.userSends({ chatId: group.id, threadId: topic.message_thread_id, from: ADMIN, text: `/link ${chat.chatId}` });
      await tg.waitForBotMessage((m) => m.reply_to_message?.message_id === cmd.message_id, 10_000);
      topics.push({ threadId: topic.message_thread_id, chatId: chat.chatId });
    }
    // Warm-up: the bridge learns the lifted quota from the fake's rate-limit headers.
    await burst(tg, group.id, topics, 200, 'warm');

    // ---- latency: one message at a time ----
    const inbound: number[] = [];
    const echo: number[] = [];
    for (let i = 0; i < 500; i++) {
      const topic = topics[i % TOPICS]!;
      const text = `latency probe ${i}`;
      const callsFrom = tg.calls.length;
      const reqFrom = market.requests.length;
      const msg = tg.userSends({ chatId: group.id, threadId: topic.threadId, from: ADMIN, text });
      const updateId = lastUpdateId(tg);
      const reaction = await tg.waitForCall(
        'setMessageReaction',
        (c) => c.params.message_id === msg.message_id && c.params.chat_id === group.id,
        10_000,
      );
      const delivered = deliveredAt(tg.calls, callsFrom, updateId);
      const req = market.requests.slice(reqFrom).find((r) => (r.body as { message?: string } | undefined)?.message === text);
      if (delivered === undefined || !req || req.endedAt === undefined) throw new Error(`probe ${i}: timestamps missing`);
      inbound.push(req.startedAt - delivered);
      echo.push(reaction.at - req.endedAt);
    }
    rows.push(row('relay', 'added latency, update received -> Market request (p50)', percentile(inbound, 50), 2));
    rows.push(row('relay', 'added latency, update received -> Market request (p99)', percentile(inbound, 99), 10));
    rows.push(row('relay', 'added latency, Market answer -> echo sent (p50)', percentile(echo, 50), 2));
    rows.push(row('relay', 'added latency, Market answer -> echo sent (p99)', percentile(echo, 99), 10));

    // ---- throughput ----
    const n = 5000;
    const secs = await burst(tg, group.id, topics, n, 'tp');
    const rate = n / secs;
    rows.push({ section: 'relay', metric: `throughput, ${n} replies over ${TOPICS} topics`, value: `${rate.toFixed(0)} replies/s`, target: '>= 500 replies/s', ok: rate >= 500 });
    rows.push({ section: 'relay', metric: 'throughput ratio to the raw axios baseline', value: `${((rate / rawRate) * 100).toFixed(0)} %`, target: '-', ok: true });

    // ---- memory over the whole run ----
    const done = 200 + 500 + n;
    const remaining = Math.max(0, total - done);
    const samples: { relays: number; rss: number }[] = [{ relays: done, rss: bridge.rss() }];
    const chunk = 10_000;
    for (let sent = 0; sent < remaining; sent += chunk) {
      const size = Math.min(chunk, remaining - sent);
      await burst(tg, group.id, topics, size, `m${sent}`);
      // Keep the fakes' own memory in check: they record every call, and only the bridge is measured.
      tg.calls.length = 0;
      market.requests.length = 0;
      samples.push({ relays: done + sent + size, rss: bridge.rss() });
    }
    const last = samples[samples.length - 1]!;
    const half = samples.filter((s) => s.relays >= last.relays / 2);
    const growth = half.length > 1 ? last.rss - half[0]!.rss : 0;
    const mb = (b: number) => b / 1024 / 1024;
    rows.push({ section: 'relay', metric: `bridge RSS after ${last.relays} relays`, value: `${mb(last.rss).toFixed(1)} MB`, target: '< 150 MB', ok: mb(last.rss) < 150 });
    rows.push({
      section: 'relay',
      metric: 'RSS growth over the last half of the run',
      value: `${mb(growth).toFixed(1)} MB (${half.map((s) => mb(s.rss).toFixed(0)).join(' -> ')})`,
      target: '~0 (< 10 MB)',
      ok: mb(growth) < 10,
    });
    const violations = market.violations.length;
    rows.push({ section: 'relay', metric: 'requests outside the spec / max in flight at Market', value: `${violations} / ${market.maxInFlightSeen}`, target: '0 / <= 4', ok: violations === 0 && market.maxInFlightSeen <= 4 });
    return rows;
  } finally {
    await bridge?.kill('SIGTERM');
    await tg.stop();
    await market.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends `n` messages round-robin over the topics, keeping a bounded backlog; returns seconds to the last echo. */
async function burst(
  tg: FakeTelegram,
  chatId: number,
  topics: { threadId: number }[],
  n: number,
  tag: string,
): Promise<number> {
  let reactions = 0;
  let scanned = tg.calls.length;
  const countReactions = () => {
    for (; scanned < tg.calls.length; scanned++) {
      const c = tg.calls[scanned]!;
      if (c.method === 'setMessageReaction') reactions++;
    }
  };
  const start = performance.now();
  let sent = 0;
  while (reactions < n) {
    countReactions();
    while (sent < n && sent - reactions < 400) {
      const topic = topics[sent % topics.length]!;
      tg.userSends({ chatId, threadId: topic.threadId, from: ADMIN, text: `${tag} ${sent}` });
      sent++;
    }
    if (performance.now() - start > 600_000) throw new Error(`burst ${tag}: only ${reactions}/${n} echoes after 10 min`);
    await new Promise((r) => setTimeout(r, 2));
    // The fakes drop their call log in the memory phase; keep the scan index valid.
    if (scanned > tg.calls.length) scanned = tg.calls.length;
  }
  return (performance.now() - start) / 1000;
}

function lastUpdateId(tg: FakeTelegram): number {
  const all = tg.allUpdates();
  return all[all.length - 1]!.update_id;
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

function row(section: string, metric: string, ms: number, targetMs: number): Row {
  return { section, metric, value: `${fmt(ms)} ms`, target: `< ${targetMs} ms`, ok: ms < targetMs };
}


runIfMain(import.meta.url, benchRelay);
