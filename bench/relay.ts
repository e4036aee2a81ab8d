/**
 * Relay benchmark: the built bridge (node dist/main.js, its own process) against the fake Telegram and fake Market
 * in this process, on loopback. Baseline in the same run, against the same fakes and measured the same way: the bare
 * grammY bot (bench/bare-bot.mjs, its own process: long polling, POST to Market, 👍), run before the bridge. Every
 * bridge figure is shown beside the bare bot's, as a difference and a ratio (issue 13's targets). The raw axios
 * rows (POSTs straight to the fake Market from this process) stay as the floor of the Market leg.
 *
 *   latency      one message at a time; from the moment the fake Telegram answers the getUpdates that carries the
 *                update to the moment the fake Market receives the send (inbound leg), and from the moment the
 *                fake Market has answered to the moment the fake Telegram receives the 👍 (echo leg)
 *   throughput   a burst across 50 topics, Market quotas lifted (the bridge adopts the fake's
 *                X-RateLimit-Resource-Limit), replies/s from first update to last echo
 *   memory       RSS sampled every 10,000 relays over BENCH_RELAYS relays in total (default 100,000), for each bot
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
import { firstPoll, spawnBareBot } from './bare.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const ADMIN = { id: 111, is_bot: false, first_name: 'Bench' };
const TOPICS = 50;
const LIFTED = 1_000_000_000;
const WARM = 200;
const PROBES = 500;
const BURST = 5000;
const MB = 1024 * 1024;

/** Issue 13: what the bridge may add over the bare bot, and its memory. */
export const TARGET = { addedP50Ms: 1, addedP99Ms: 5, rssMb: 100, growthMb: 10 };

interface Figures {
  inbound: number[];
  echo: number[];
  rate: number;
  relays: number;
  rss: number;
  growth: number;
  samples: number[];
}

export async function benchRelay(opts: { relays?: number; build?: boolean } = {}): Promise<Row[]> {
  const total = opts.relays ?? Number(process.env.BENCH_RELAYS ?? 100_000);
  if (opts.build !== false) buildDist();
  const tg = await FakeTelegram.start();
  const market = await FakeMarket.start({
    quotas: { sendMessageToChat: LIFTED, getChat: LIFTED, getChatHistory: LIFTED, getAuthTokenInfo: LIFTED, getCampaigns: LIFTED },
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const rows: Row[] = [];
  let proc: BridgeProcess | undefined;
  try {
    // ---- floor: raw axios POSTs to the same fake Market, 4 in flight like the bridge ----
    const raw = axios.create({ baseURL: market.url, headers: { 'Api-Key': market.apiKey } });
    const chat0 = market.addChat({ customerName: 'Raw' });
    const url = `/v2/businesses/${market.businessId}/chats/message`;
    const rawLat: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = performance.now();
      await raw.post(url, { message: `raw ${i}` }, { params: { chatId: chat0.chatId } });
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
    rows.push({ section: 'relay', metric: 'raw axios POST round trip p50 / p99 (no bot)', value: `${fmt(percentile(rawLat, 50))} / ${fmt(percentile(rawLat, 99))} ms`, target: '-', ok: true });
    rows.push({ section: 'relay', metric: 'raw axios POST throughput, 4 in flight (no bot)', value: `${rawRate.toFixed(0)} req/s`, target: '-', ok: true });

    // ---- baseline: the bare grammY bot, its own forum group and Market chats ----
    const bareGroup = tg.addGroup({ title: 'Bare bot', forum: true });
    const bareTopics: Topic[] = [];
    for (let i = 0; i < TOPICS; i++) {
      const topic = tg.createTopic(bareGroup.id, `Bare ${i}`, { silent: true });
      const chat = market.addChat({ customerName: `Bare buyer ${i}` });
      bareTopics.push({ threadId: topic.message_thread_id, chatId: chat.chatId });
    }
    const from = tg.calls.length;
    proc = spawnBareBot({
      tg,
      marketUrl: market.url,
      apiKey: market.apiKey,
      businessId: market.businessId,
      chats: Object.fromEntries(bareTopics.map((t) => [t.threadId, t.chatId])),
    });
    await firstPoll(tg, proc, from);
    const bare = await measure(tg, market, proc, bareGroup.id, bareTopics, total);
    await proc.terminate();
    proc = undefined;

    // ---- the bridge, its topics linked ----
    proc = BridgeProcess.spawn(
      fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'info' }),
      dir,
    );
    await tg.waitForCall('setMyCommands', undefined, 30_000);
    const group = tg.addGroup({ title: 'Bench shop', forum: true });
    const topics: Topic[] = [];
    for (let i = 0; i < TOPICS; i++) {
      const topic = tg.createTopic(group.id, `Topic ${i}`, { silent: true });
      const chat = market.addChat({ customerName: `Buyer ${i}` });
      const cmd = tg.userSends({ chatId: group.id, threadId: topic.message_thread_id, from: ADMIN, text: `/link ${chat.chatId}` });
      await tg.waitForBotMessage((m) => m.reply_to_message?.message_id === cmd.message_id, 30_000);
      topics.push({ threadId: topic.message_thread_id, chatId: chat.chatId });
    }
    const bridge = await measure(tg, market, proc, group.id, topics, total);

    rows.push(added('relay', 'update received -> Market request (p50)', percentile(bridge.inbound, 50), percentile(bare.inbound, 50), TARGET.addedP50Ms));
    rows.push(added('relay', 'update received -> Market request (p99)', percentile(bridge.inbound, 99), percentile(bare.inbound, 99), TARGET.addedP99Ms));
    rows.push(added('relay', 'Market answer -> echo sent (p50)', percentile(bridge.echo, 50), percentile(bare.echo, 50), TARGET.addedP50Ms));
    rows.push(added('relay', 'Market answer -> echo sent (p99)', percentile(bridge.echo, 99), percentile(bare.echo, 99), TARGET.addedP99Ms));
    rows.push({
      section: 'relay',
      metric: `throughput, ${BURST} replies over ${TOPICS} topics`,
      value: `${bridge.rate.toFixed(0)} replies/s (${ratio(bridge.rate, bare.rate)} of the bare bot)`,
      baseline: `${bare.rate.toFixed(0)} replies/s`,
      target: '>= 500 replies/s',
      ok: bridge.rate >= 500,
    });
    rows.push(memoryRow('relay', `RSS after ${bridge.relays} relays`, bridge.rss, bare.rss, TARGET.rssMb));
    rows.push({
      section: 'relay',
      metric: 'RSS growth over the second half of the run',
      value: `${(bridge.growth / MB).toFixed(1)} MB (${bridge.samples.map((s) => (s / MB).toFixed(0)).join(' -> ')})`,
      baseline: `${(bare.growth / MB).toFixed(1)} MB (${bare.samples.map((s) => (s / MB).toFixed(0)).join(' -> ')})`,
      target: `flat (< ${TARGET.growthMb} MB)`,
      ok: bridge.growth / MB < TARGET.growthMb,
    });
    const violations = market.violations.length;
    rows.push({ section: 'relay', metric: 'requests outside the spec / max in flight at Market (both bots)', value: `${violations} / ${market.maxInFlightSeen}`, target: '0 / <= 4', ok: violations === 0 && market.maxInFlightSeen <= 4 });
    return rows;
  } finally {
    await proc?.terminate();
    await tg.stop();
    await market.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Topic {
  threadId: number;
  chatId: number;
}

/** The same measurements for either bot: warm-up, latency probes, a throughput burst, then memory over `total`. */
async function measure(tg: FakeTelegram, market: FakeMarket, proc: BridgeProcess, chatId: number, topics: Topic[], total: number): Promise<Figures> {
  // Warm-up (the bridge also learns the lifted quota from the fake's rate-limit headers).
  await burst(tg, chatId, topics, WARM, 'warm');

  const inbound: number[] = [];
  const echo: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const topic = topics[i % TOPICS]!;
    const text = `latency probe ${i}`;
    const callsFrom = tg.calls.length;
    const reqFrom = market.requests.length;
    const msg = tg.userSends({ chatId, threadId: topic.threadId, from: ADMIN, text });
    const updateId = lastUpdateId(tg);
    const reaction = await tg.waitForCall('setMessageReaction', (c) => c.params.message_id === msg.message_id && c.params.chat_id === chatId, 60_000);
    const delivered = deliveredAt(tg.calls, updateId);
    const req = market.requests.slice(reqFrom).find((r) => (r.body as { message?: string } | undefined)?.message === text);
    if (delivered === undefined || !req || req.endedAt === undefined) throw new Error(`probe ${i}: timestamps missing (delivered ${delivered}, request ${req ? req.endedAt : "none"}, update ${updateId}, calls ${tg.calls.slice(Math.max(0, callsFrom - 5)).map((c) => `${c.method}:${c.done}:${JSON.stringify(c.result ?? null).slice(0, 80)}`).join(" | ")})`);
    inbound.push(req.startedAt - delivered);
    echo.push(reaction.at - req.endedAt);
  }

  const secs = await burst(tg, chatId, topics, BURST, 'tp');
  const done = WARM + PROBES + BURST;
  const remaining = Math.max(0, total - done);
  const samples: { relays: number; rss: number }[] = [{ relays: done, rss: proc.rss() }];
  const chunk = 10_000;
  for (let sent = 0; sent < remaining; sent += chunk) {
    const size = Math.min(chunk, remaining - sent);
    await burst(tg, chatId, topics, size, `m${sent}`);
    // Keep the fakes' own memory in check: they record every call, and only the bot's process is measured.
    tg.forgetHistory();
    market.requests.length = 0;
    samples.push({ relays: done + sent + size, rss: proc.rss() });
  }
  const last = samples[samples.length - 1]!;
  const half = samples.filter((s) => s.relays >= last.relays / 2);
  return {
    inbound,
    echo,
    rate: BURST / secs,
    relays: last.relays,
    rss: last.rss,
    growth: half.length > 1 ? last.rss - half[0]!.rss : 0,
    samples: half.map((s) => s.rss),
  };
}

/** Sends `n` messages round-robin over the topics, keeping a bounded backlog; returns seconds to the last echo. */
async function burst(tg: FakeTelegram, chatId: number, topics: { threadId: number }[], n: number, tag: string): Promise<number> {
  let reactions = 0;
  let scanned = tg.calls.length;
  const countReactions = () => {
    for (; scanned < tg.calls.length; scanned++) {
      const c = tg.calls[scanned]!;
      if (c.method === 'setMessageReaction' && c.params.chat_id === chatId) reactions++;
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
  // Not allUpdates(): it copies every update queued so far (the bare bot's whole run, by the bridge's probes).
  return tg.lastUpdateId()!;
}

/**
 * When the fake Telegram answered the getUpdates carrying `updateId`. A long poll already held when the message was
 * sent is logged before it (calls are in arrival order, and a backlog of echoes may come between): search from the
 * end back to the first answer that carries the update.
 */
export function deliveredAt(calls: Call[], updateId: number): number | undefined {
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i]!;
    if (c.method !== 'getUpdates' || !c.ok || !Array.isArray(c.result)) continue;
    const ids = c.result as { update_id: number }[];
    if (ids.some((u) => u.update_id === updateId)) return c.doneAt;
    // Answers before this one carry older updates only.
    if (ids.length > 0 && ids[ids.length - 1]!.update_id < updateId) return undefined;
  }
  return undefined;
}

/** The bridge's figure over the bare bot's, e.g. "1.85×". */
export function ratio(value: number, base: number): string {
  if (!(base > 0)) return '-';
  return `${(value / base).toFixed(2)}×`;
}

/** A latency row: the bridge's figure, what it adds over the bare bot (and the ratio), judged on the added part. */
export function added(section: string, metric: string, ms: number, baseMs: number, targetMs: number): Row {
  const diff = ms - baseMs;
  return {
    section,
    metric: `${metric}, added over the bare bot`,
    value: `${fmt(ms)} ms (${diff >= 0 ? '+' : '-'}${fmt(Math.abs(diff))} ms, ${ratio(ms, baseMs)})`,
    baseline: `${fmt(baseMs)} ms`,
    target: `added <= ${targetMs} ms`,
    ok: diff <= targetMs,
  };
}

function signed(x: number, digits: number): string {
  return `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(digits)}`;
}

export function memoryRow(section: string, metric: string, rss: number, baseRss: number | undefined, targetMb: number): Row {
  const mb = rss / MB;
  const base = baseRss === undefined ? undefined : baseRss / MB;
  return {
    section,
    metric,
    value: base === undefined ? `${mb.toFixed(1)} MB` : `${mb.toFixed(1)} MB (${signed(mb - base, 1)} MB, ${ratio(mb, base)})`,
    baseline: base === undefined ? '-' : `${base.toFixed(1)} MB`,
    target: `<= ${targetMb} MB`,
    ok: mb <= targetMb,
  };
}

runIfMain(import.meta.url, benchRelay);
