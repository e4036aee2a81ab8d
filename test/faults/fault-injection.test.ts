/**
 * Issue 4, the fault-injection suite: the bridge as its own process (test/helpers/bridge-child.ts, started from the
 * sources with tsx) against the fake Telegram and the fake Market in this process, on loopback, with a real SQLite
 * file. While 1,000 seller replies go out across 50 forum topics and 1,000 buyer messages come in across the same
 * 50 Market chats, faults fire at random and the process is killed with SIGKILL and started again (3 or 4 times):
 *
 *   Market     random faults on every operation: 500, 503, an HTML 502, 420 with a near-future
 *              X-RateLimit-Resource-Until, a hang longer than the request timeout, a reset connection, and each of
 *              those (but the 420) also after Market has acted on the request (the message IS stored);
 *   Telegram   from the driver loop: 429 with retry_after 1 on sendMessage and setMessageReaction, 500/502 on
 *              sendMessage, setMessageReaction and editForumTopic, a refused reaction (400), dropped long polls,
 *              and answers lost after Telegram acted (sendMessage, setMessageReaction).
 *
 * Then faults stop, the system is left to become quiescent (bounded), the bridge gets SIGTERM, and the outcome is
 * checked from the outside (what the fake Market stored, what the fake Telegram shows) and counted:
 *   - every seller reply is at Market exactly once and the seller sees it (👍 or "✓ Sent"), or the seller sees it
 *     failed (a ❌ reply) and Market does not have it, or the seller is asked (❓ with buttons); never twice at
 *     Market, never without a visible state, no "⏳ will be retried" notice left beside anything but a 👍, and per chat in the
 *     order the seller wrote them;
 *   - every buyer message is in its chat's topic exactly once, in order; the one exception Telegram's lack of an
 *     idempotency key forces: a message whose post was on its way when a SIGKILL hit may show a second copy, and that
 *     copy must carry the "possibly shown twice" line; the bridge's own relays are not shown again;
 *   - Market never saw more than 4 requests in flight, and no 420 that was not injected (quota or parallel limit);
 *   - no secret (bot token, Api-Key, raw or URL-encoded) in anything the bridge processes printed.
 *
 * Reproducible by seed (printed): FAULT_SEED=<n> npx vitest run test/faults. The seed fixes the traffic, the fault
 * plan and the kill times; the exact interleaving still depends on timing, so a rare outcome may need a few runs.
 * FAULT_KEEP=1 keeps the temporary directory (database, report.txt, each bridge process's output).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { FakeMarket, mulberry32 as prng, type Fault as MarketFault, type OperationId, type RecordedRequest } from '../fakes/market.js';
import { FakeTelegram, type Fault as TelegramFault } from '../fakes/telegram.js';
import { ADMIN } from '../helpers/harness.js';
import { BridgeProcess } from '../helpers/process.js';
import { fakesEnv } from '../helpers/env.js';
import { GROUP_ID, LIFTED_PACING } from '../helpers/sync.js';
import { t as words } from '../../src/texts.js';

const SEED = Number(process.env.FAULT_SEED ?? 20260804);
const CHATS = 50;
/** Seller replies and buyer messages per chat: 20 x 50 = 1,000 of each. */
const PER_CHAT = 20;
const DRIVE_MS = 40_000;
/** How long the system gets to settle once faults stop. */
const QUIET_TIMEOUT_MS = 60_000;
/** Telegram calls (other than getUpdates) unchanged for this long counts as settled (auto-retry waits 3 s on a 5xx). */
const QUIET_STABLE_MS = 4_000;
const MARKET_FAULT_RATE = 0.1;
const MARKET_TIMEOUT_MS = 800;

/** Quotas well above what the run needs (the real send quota is 1,000/h; the run sends more than that with retries). */
const QUOTAS: Partial<Record<OperationId, number>> = {
  sendMessageToChat: 5_000,
  sendFileToChat: 1_000,
  getChats: 50_000,
  getChat: 5_000,
  getChatHistory: 100_000,
  getChatMessage: 1_000,
  getAuthTokenInfo: 1_000,
  getCampaigns: 1_000,
};

/** Realistic-looking secrets with characters that change when URL-encoded. */
const BOT_TOKEN = '7312345678:AAHf4u1tSuite_Secret-Token0123456789abcdef';
const API_KEY = 'ACMA:Fault+Suite/Key=4c4e9a0b:151c0664';

const BRIDGE_OPTIONS = {
  marketTimeoutMs: MARKET_TIMEOUT_MS,
  pollTimeoutSeconds: 1,
  shutdownGraceMs: 1_500,
  relayPolicy: {
    backoffBaseMs: 100,
    backoffMaxMs: 1_000,
    // A request that got no answer is never processed by the fake after the bridge gave up on it, so the history
    // can be trusted shortly after the timeout.
    reconcileAfterMs: MARKET_TIMEOUT_MS + 400,
    noticeAfterMs: 500,
    rateLimitFallbackMs: 3_000,
  },
  limits: { quotas: QUOTAS },
  inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 500 } },
};


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const WORDS = [
  'hello', 'thank you', 'your order', 'is on its way', 'Здравствуйте', 'заказ отправлен', '谢谢', 'مرحبا',
  'tracking soon', 'sorry for the wait', '🚚', '📦', 'size M', 'we will check', 'a​b', 'ok',
];

function phrase(rng: () => number): string {
  const n = 2 + Math.floor(rng() * 6);
  const words = Array.from({ length: n }, () => WORDS[Math.floor(rng() * WORDS.length)]!);
  // Some span lines, as people write them.
  return words.length > 2 && rng() < 0.15 ? `${words.slice(0, 2).join(' ')}\n${words.slice(2).join(' ')}` : words.join(' ');
}

type EventKind = 'seller' | 'buyer';
interface DriveEvent {
  at: number;
  kind: EventKind;
  chat: number;
  n: number;
  text: string;
}

interface SellerReply {
  chat: number;
  marketChatId: number;
  text: string;
  tgMessageId: number;
}

interface TelegramFaultPlan {
  at: number;
  method: string;
  fault: TelegramFault;
}

/** The run's plan, all from the seed. */
function plan(seed: number) {
  const rng = prng(seed);
  const events: DriveEvent[] = [];
  for (let chat = 0; chat < CHATS; chat++) {
    for (const kind of ['seller', 'buyer'] as const) {
      const times = Array.from({ length: PER_CHAT }, () => Math.floor(rng() * DRIVE_MS)).sort((a, b) => a - b);
      times.forEach((at, n) => {
        const label = kind === 'seller' ? `Reply ${n + 1}` : `Buyer message ${n + 1}`;
        events.push({ at, kind, chat, n, text: `${label} [${seed}:${chat}:${n}] ${phrase(rng)}` });
      });
    }
  }
  events.sort((a, b) => a.at - b.at || a.chat - b.chat || a.n - b.n);

  // 3 or 4 kills, spread over the drive (each process gets a few seconds of work), each down briefly.
  const kills = 3 + (rng() < 0.5 ? 1 : 0);
  const killAt = Array.from({ length: kills }, (_, i) => {
    const slot = DRIVE_MS / (kills + 1);
    return Math.floor(slot * (i + 1) + (rng() - 0.5) * slot * 0.6);
  });
  const downMs = killAt.map(() => 100 + Math.floor(rng() * 500));

  const tgFaults: TelegramFaultPlan[] = [];
  const add = (count: number, method: string, fault: () => TelegramFault) => {
    for (let i = 0; i < count; i++) tgFaults.push({ at: Math.floor(rng() * DRIVE_MS), method, fault: fault() });
  };
  const fiveHundred = (): TelegramFault => ({ kind: 'status', code: rng() < 0.5 ? 500 : 502 });
  add(8, 'sendMessage', () => ({ kind: 'status', code: 429, retryAfter: 1 }));
  add(2, 'setMessageReaction', () => ({ kind: 'status', code: 429, retryAfter: 1 }));
  add(2, 'sendMessage', fiveHundred);
  add(3, 'setMessageReaction', fiveHundred);
  add(2, 'editForumTopic', fiveHundred);
  add(2, 'setMessageReaction', () => ({ kind: 'status', code: 400, description: 'Bad Request: REACTION_INVALID' }));
  add(4, 'getUpdates', () => ({ kind: 'dropPoll' }));
  // Telegram acts, then the answer is lost: a buyer message may be there already (posted again, marked).
  add(3, 'sendMessage', () => ({ kind: 'dropAnswer' }));
  add(2, 'setMessageReaction', () => ({ kind: 'dropAnswer' }));
  tgFaults.sort((a, b) => a.at - b.at);

  // The Market fault list is refreshed every 250 ms (see marketFaults); each slot's PRNG seed comes from the run's
  // seed, whatever the timing.
  const faultSeed = (slot: number) => (Math.imul(seed ^ 0x5bd1e995, 2654435761) + Math.imul(slot + 1, 40503)) >>> 0;
  return { events, killAt, downMs, tgFaults, faultSeed };
}

/** The Market fault mix; the 420's Until is 1-2 s ahead, so the list is refreshed while faults fire. */
function marketFaults(): MarketFault[] {
  const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toUTCString();
  return [
    { kind: 'status', status: 500 },
    { kind: 'status', status: 503 },
    { kind: 'html', status: 502 },
    { kind: 'status', status: 420, headers: { 'X-RateLimit-Resource-Until': until } },
    { kind: 'hang', ms: MARKET_TIMEOUT_MS * 2 },
    { kind: 'reset' },
    { kind: 'status', status: 500, afterProcess: true },
    { kind: 'status', status: 503, afterProcess: true },
    { kind: 'html', status: 502, afterProcess: true },
    { kind: 'hang', ms: MARKET_TIMEOUT_MS * 2, afterProcess: true },
    { kind: 'reset', afterProcess: true },
  ];
}

/** A read-only look at the bridge's SQLite file (the bridge keeps writing; WAL lets both work). */
function query<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

interface RelayDbRow {
  tg_message_id: number;
  market_chat_id: number;
  state: string;
  attempts: number;
  http_status: number | null;
  error_code: string | null;
  notice_message_id: number | null;
  delivered_at: number | null;
  updated_at: number;
}

const textOf = (m: Message) => m.text ?? m.caption ?? '';
const BUYER_PREFIX = '👤 Buyer\n';
/** The line a copy carries when it was posted again because a kill left its first post in doubt. */
const REPEAT_MARK = `${words('inbound.mayRepeat')}\n`;
const CABINET_PREFIX = '🏪 Shop, from the Market cabinet';

/** Every bridge process started; whatever is still alive when the file ends (a timed-out run) is killed. */
const started = new Set<BridgeProcess>();
afterAll(() => {
  for (const proc of started) if (!proc.exit) proc.child.kill('SIGKILL');
});

describe('fault injection (issue 4)', () => {
  it(
    `1,000 seller replies and 1,000 buyer messages across 50 chats under random faults and SIGKILLs (seed ${SEED})`,
    async () => {
      const runStart = Date.now();
      const log = (line: string) => console.log(`[faults ${((Date.now() - runStart) / 1000).toFixed(1)}s] ${line}`);
      log(`seed ${SEED} (rerun: FAULT_SEED=${SEED} npx vitest run test/faults)`);
      const p = plan(SEED);
      log(`plan: ${p.events.length} events over ${DRIVE_MS / 1000}s, SIGKILL at ${p.killAt.map((t) => `${(t / 1000).toFixed(1)}s`).join(', ')}, ${p.tgFaults.length} Telegram faults, Market fault rate ${MARKET_FAULT_RATE}`);

      const tg = await FakeTelegram.start({ token: BOT_TOKEN });
      const market = await FakeMarket.start({ apiKey: API_KEY, quotas: QUOTAS });
      const dir = mkdtempSync(join(tmpdir(), 'market-bridge-faults-'));
      const dbPath = join(dir, 'bridge.sqlite');
      const processes: BridgeProcess[] = [];
      let current: BridgeProcess | undefined;
      const unexpectedExits: string[] = [];
      const killed = new Set<BridgeProcess>();
      /** When each SIGKILL was sent (epoch ms), to tell which findings a kill explains. */
      const killTimes: number[] = [];
      const env = fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath: dbPath, logLevel: 'debug' }, {
        TELEGRAM_CHAT_ID: String(GROUP_ID),
      });
      const spawnBridge = (): BridgeProcess => {
        const proc = BridgeProcess.spawnSource(env, BRIDGE_OPTIONS);
        processes.push(proc);
        started.add(proc);
        void proc.waitExit().then(() => {
          if (!killed.has(proc)) unexpectedExits.push(`process ${processes.indexOf(proc) + 1}: ${JSON.stringify(proc.exit)}\n${proc.text().slice(-3000)}`);
        });
        current = proc;
        return proc;
      };

      try {
        // ---- setup: the team's forum, 50 Market chats; the first start creates and links a topic per chat ----
        tg.addGroup({ id: GROUP_ID, title: 'Shop team', forum: true });
        const marketChats = Array.from({ length: CHATS }, (_, k) => market.addChat({ customerName: `Buyer ${k}` }).chatId);
        await spawnBridge().waitForOutput('market-bridge started', 30_000);
        const threadOf = new Map<number, number>();
        const deadline = Date.now() + 30_000;
        while (threadOf.size < CHATS) {
          if (Date.now() > deadline) throw new Error(`only ${threadOf.size} of ${CHATS} topics got their card`);
          await sleep(200);
          for (const m of tg.botMessages(GROUP_ID)) {
            const id = /^🛒[^\n]*\nMarket chat (\d+)/.exec(textOf(m))?.[1];
            if (id !== undefined && m.message_thread_id !== undefined) threadOf.set(Number(id), m.message_thread_id);
          }
        }
        const linked = query<{ market_chat_id: number; tg_thread_id: number }>(
          dbPath,
          'SELECT market_chat_id, tg_thread_id FROM threads WHERE tg_chat_id = ?',
          GROUP_ID,
        );
        expect(new Map(linked.map((r) => [r.market_chat_id, r.tg_thread_id]))).toEqual(threadOf);
        log(`setup: ${CHATS} topics created, carded and linked`);

        // ---- the drive ----
        const sellerReplies: SellerReply[] = [];
        const buyerTexts = new Map<number, string[]>(marketChats.map((id) => [id, []]));
        let marketRefresh = 0;
        const refreshMarketFaults = () =>
          market.setRandomFaults({ seed: p.faultSeed(marketRefresh), rate: MARKET_FAULT_RATE, kinds: marketFaults() });
        refreshMarketFaults();
        const tgFaultsFired: string[] = [];
        let killing: Promise<void> | undefined;
        let kills = 0;
        const t0 = Date.now();
        let next = 0;
        let nextTgFault = 0;
        while (next < p.events.length || kills < p.killAt.length || killing) {
          const now = Date.now() - t0;
          for (; next < p.events.length && p.events[next]!.at <= now; next++) {
            const e = p.events[next]!;
            const marketChatId = marketChats[e.chat]!;
            if (e.kind === 'buyer') {
              market.addMessage(marketChatId, { message: e.text });
              buyerTexts.get(marketChatId)!.push(e.text);
            } else {
              const m = tg.userSends({ chatId: GROUP_ID, threadId: threadOf.get(marketChatId)!, from: ADMIN, text: e.text });
              sellerReplies.push({ chat: e.chat, marketChatId, text: e.text, tgMessageId: m.message_id });
            }
          }
          for (; nextTgFault < p.tgFaults.length && p.tgFaults[nextTgFault]!.at <= now; nextTgFault++) {
            const f = p.tgFaults[nextTgFault]!;
            tg.failNext(f.method, f.fault);
            tgFaultsFired.push(`${f.method}:${f.fault.kind === 'status' ? f.fault.code : f.fault.kind}`);
          }
          if (Math.floor(now / 250) > marketRefresh) {
            marketRefresh = Math.floor(now / 250);
            refreshMarketFaults();
          }
          if (!killing && kills < p.killAt.length && now >= p.killAt[kills]!) {
            const victim = current!;
            const down = p.downMs[kills]!;
            kills++;
            killing = (async () => {
              killed.add(victim);
              killTimes.push(Date.now());
              await victim.kill('SIGKILL');
              log(`SIGKILL #${kills} at ${(now / 1000).toFixed(1)}s (pid ${victim.pid}, ${victim.exit?.signal}); down ${down} ms`);
              await sleep(down);
              spawnBridge();
            })().finally(() => (killing = undefined));
          }
          await sleep(10);
        }
        log(`drive done in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${sellerReplies.length} seller replies, ${[...buyerTexts.values()].flat().length} buyer messages, ${kills} SIGKILLs`);

        // ---- faults stop; wait (bounded) until everything has settled ----
        market.setRandomFaults(null);
        const unusedTgFaults = tg.clearFaults();
        await current!.waitForOutput('market-bridge started', 30_000);
        const quiet = await waitQuiescent({ tg, market, dbPath, marketChats });
        log(`quiescent: ${quiet.ok ? 'yes' : `NO (${quiet.why})`} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);

        const last = current!;
        killed.add(last);
        const termStart = Date.now();
        const exitCode = await Promise.race([last.kill('SIGTERM'), sleep(15_000).then(() => 'timeout' as const)]);
        log(`SIGTERM: exit ${String(exitCode)} after ${Date.now() - termStart} ms`);

        // ---- what the seller, the buyer and Market see ----
        // What the group shows now: the fake lists deleted bot messages too (a ⏳ notice is deleted on failure).
        const alive = new Set(tg.messages(GROUP_ID).map((m) => m.message_id));
        const botMessages = tg.botMessages(GROUP_ID).filter((m) => alive.has(m.message_id));
        const repliesTo = new Map<number, Message[]>();
        for (const m of botMessages) {
          const to = m.reply_to_message?.message_id;
          if (to !== undefined && to !== m.message_thread_id) repliesTo.set(to, [...(repliesTo.get(to) ?? []), m]);
        }
        const relayRows = new Map(
          query<RelayDbRow>(dbPath, 'SELECT * FROM relays WHERE tg_chat_id = ?', GROUP_ID).map((r) => [r.tg_message_id, r]),
        );
        const partnerCount = new Map<string, number>();
        for (const id of marketChats) {
          for (const text of market.partnerTexts(id)) partnerCount.set(`${id}\u0000${text}`, (partnerCount.get(`${id}\u0000${text}`) ?? 0) + 1);
        }

        const seller = {
          delivered: 0,
          deliveredAfterWait: 0,
          echoedByReply: 0,
          failed: 0,
          asking: 0,
          duplicateAtMarket: [] as string[],
          deliveredWithoutEcho: [] as string[],
          noVisibleState: [] as string[],
          echoedButNotAtMarket: [] as string[],
          failedButAtMarket: [] as string[],
          /** A "⏳ will be retried" notice still standing once everything has settled. */
          staleNotice: [] as string[],
        };
        /**
         * "12 ms before SIGKILL #2": how close to the nearest kill something happened (epoch ms). "After" means a
         * request the process had already sent was completed by a fake after the signal went out.
         */
        const beforeKill = (at: number) => {
          if (killTimes.length === 0) return 'with no SIGKILL';
          const k = killTimes.reduce((best, t, i) => (Math.abs(t - at) < Math.abs(killTimes[best]! - at) ? i : best), 0);
          const d = Math.round(killTimes[k]! - at);
          return d >= 0 ? `${d} ms before SIGKILL #${k + 1}` : `${-d} ms after SIGKILL #${k + 1} was sent`;
        };
        const describeReply = (r: SellerReply, atMarket: number) => {
          const row = relayRows.get(r.tgMessageId);
          const replies = (repliesTo.get(r.tgMessageId) ?? []).map((m) => textOf(m).slice(0, 40));
          const reactionCalls = tg.calls
            .filter((c) => c.method === 'setMessageReaction' && c.params.message_id === r.tgMessageId)
            .map((c) => (c.ok ? 'ok' : (c.errorCode ?? c.error ?? 'no answer')));
          const settledAt = row?.delivered_at ?? row?.updated_at;
          const byKill = settledAt !== undefined ? `; settled ${beforeKill(settledAt)}` : '';
          return `tg ${r.tgMessageId} chat ${r.marketChatId} "${r.text.slice(0, 40)}": at Market ${atMarket}x; relay ${row ? `${row.state} attempts=${row.attempts} http=${row.http_status} code=${row.error_code} notice=${row.notice_message_id}` : 'NOT RECORDED'}${byKill}; reactions ${JSON.stringify(tg.reactions(GROUP_ID, r.tgMessageId))} (calls ${JSON.stringify(reactionCalls)}); replies ${JSON.stringify(replies)}`;
        };
        for (const r of sellerReplies) {
          const atMarket = partnerCount.get(`${r.marketChatId}\u0000${r.text}`) ?? 0;
          const replies = repliesTo.get(r.tgMessageId) ?? [];
          const sentReply = replies.find((m) => textOf(m).startsWith('✓ Sent'));
          const ok = tg.reactions(GROUP_ID, r.tgMessageId).includes('👍') || sentReply !== undefined;
          const failed = replies.some((m) => textOf(m).startsWith('❌'));
          const asking = replies.some(
            (m) => textOf(m).startsWith('❓') && (m.reply_markup?.inline_keyboard.flat().length ?? 0) > 0,
          );
          if (atMarket > 1) seller.duplicateAtMarket.push(describeReply(r, atMarket));
          // A ⏳ notice the bridge could not update (Telegram lost the answer that carried its id) may stand beside
          // the 👍, which it tells the seller to look for; next to anything else it would mislead.
          const delivered = atMarket === 1 && ok;
          if (!delivered && replies.some((m) => textOf(m).startsWith('⏳'))) seller.staleNotice.push(describeReply(r, atMarket));
          if (asking) {
            seller.asking++;
            continue;
          }
          if (atMarket >= 1 && failed) seller.failedButAtMarket.push(describeReply(r, atMarket));
          else if (atMarket >= 1 && ok) {
            seller.delivered++;
            if (sentReply && textOf(sentReply).includes('wait')) seller.deliveredAfterWait++;
            else if (sentReply) seller.echoedByReply++;
          } else if (atMarket >= 1) seller.deliveredWithoutEcho.push(describeReply(r, atMarket));
          else if (failed) seller.failed++;
          else if (ok) seller.echoedButNotAtMarket.push(describeReply(r, atMarket));
          else seller.noVisibleState.push(describeReply(r, atMarket));
        }
        const expectedTexts = new Set(sellerReplies.map((r) => `${r.marketChatId}\u0000${r.text}`));
        // Per chat, what reached Market keeps the order the seller wrote it in.
        const repliesOutOfOrder: string[] = [];
        for (const id of marketChats) {
          const atMarket = [...new Set(market.partnerTexts(id))];
          const present = new Set(atMarket);
          const written = sellerReplies.filter((r) => r.marketChatId === id && present.has(r.text)).map((r) => r.text);
          if (JSON.stringify(written) !== JSON.stringify(atMarket)) {
            const i = written.findIndex((t, k) => atMarket[k] !== t);
            repliesOutOfOrder.push(`chat ${id}: first difference at #${i + 1}: written "${written[i]?.slice(0, 30)}", at Market "${atMarket[i]?.slice(0, 30)}"`);
          }
        }
        const strangersAtMarket = [...partnerCount.keys()].filter((k) => !expectedTexts.has(k));

        const buyer = {
          shown: 0,
          missing: [] as string[],
          duplicated: [] as string[],
          markedRepeats: [] as string[],
          outOfOrder: [] as number[],
          elsewhere: 0,
        };
        let allBuyerShown = 0;
        const unmark = (text: string) => (text.startsWith(REPEAT_MARK) ? text.slice(REPEAT_MARK.length) : text);
        for (const m of botMessages) if (unmark(textOf(m)).startsWith(BUYER_PREFIX)) allBuyerShown++;
        for (const id of marketChats) {
          // Telegram trims a message's text, as it would a buyer's trailing line break.
          const expected = buyerTexts.get(id)!.map((t) => t.trim());
          const posts = tg
            .botMessages(GROUP_ID, threadOf.get(id))
            .filter((m) => alive.has(m.message_id))
            .map(textOf)
            .filter((t) => unmark(t).startsWith(BUYER_PREFIX))
            .map((t) => ({ marked: t.startsWith(REPEAT_MARK), text: unmark(t).slice(BUYER_PREFIX.length).trim() }));
          const shown = posts.map((p) => p.text);
          buyer.shown += shown.length;
          const seen = new Map<string, number>();
          for (const t of shown) seen.set(t, (seen.get(t) ?? 0) + 1);
          for (const t of expected) if (!seen.has(t)) buyer.missing.push(`chat ${id}: ${t.slice(0, 50)}`);
          for (const p of posts) if (p.marked) buyer.markedRepeats.push(`chat ${id}: ${p.text.slice(0, 50)}`);
          for (const [t, n] of seen) {
            // The one allowed second copy: posted again after a kill left the first in doubt, and marked as such.
            const unmarkedCopies = posts.filter((p) => p.text === t && !p.marked).length;
            if (n <= 1 || (n === 2 && unmarkedCopies === 1)) continue;
            // When Telegram took each copy, against the kills: a copy taken just before a SIGKILL and not yet
            // recorded is the at-least-once window the design accepts.
            const copies = tg.calls
              .filter((c) => c.method === 'sendMessage' && c.ok && typeof c.params.text === 'string' && c.params.text.trim() === `${BUYER_PREFIX}${t}`)
              .map((c) => `message ${(c.result as { message_id?: number }).message_id} accepted ${beforeKill(c.doneAt ?? c.at)}`);
            buyer.duplicated.push(`chat ${id} (${n}x): ${t.slice(0, 50)} [${copies.join('; ')}]`);
          }
          const firstSeen = [...new Set(shown)];
          if (JSON.stringify(firstSeen) !== JSON.stringify(expected.filter((t) => seen.has(t)))) buyer.outOfOrder.push(id);
        }
        buyer.elsewhere = allBuyerShown - buyer.shown;
        // How long a buyer message stays taken by Telegram but not yet recorded as posted: a SIGKILL inside this
        // window repeats the message after the restart (at-least-once by design; Telegram has no idempotency key).
        const acceptedAt = new Map<number, number>();
        for (const c of tg.calls) {
          const id = (c.result as { message_id?: number } | undefined)?.message_id;
          if (c.method === 'sendMessage' && c.ok && id !== undefined) acceptedAt.set(id, c.doneAt ?? c.at);
        }
        const unrecordedMs = query<{ tg_message_id: number; delivered_at: number; parts_sent: number }>(
          dbPath,
          "SELECT tg_message_id, delivered_at, parts_sent FROM inbound_messages WHERE state = 'delivered' AND parts_sent = 1",
        )
          .map((r) => r.delivered_at - (acceptedAt.get(r.tg_message_id) ?? NaN))
          .filter(Number.isFinite)
          .sort((a, b) => a - b);
        const pct = (q: number) => unrecordedMs[Math.min(unrecordedMs.length - 1, Math.floor((q / 100) * unrecordedMs.length))] ?? NaN;
        const cabinetEchoes = botMessages.filter((m) => textOf(m).startsWith(CABINET_PREFIX)).map((m) => textOf(m).slice(0, 80));
        const topics = tg.topics(GROUP_ID).filter((t) => t.createdByBot);

        // ---- limits and secrets ----
        const requests = market.requests;
        const injected = requests.filter((r) => r.fault !== undefined);
        const real420 = requests.filter((r) => r.status === 420 && r.fault === undefined);
        const perOp = new Map<string, number>();
        for (const r of requests) if (r.operationId) perOp.set(r.operationId, (perOp.get(r.operationId) ?? 0) + 1);
        const output = processes.map((x) => x.text()).join('');
        const secrets = [BOT_TOKEN, API_KEY, encodeURIComponent(BOT_TOKEN), encodeURIComponent(API_KEY)];
        const leaked = secrets.filter((s) => output.includes(s));
        const faultKinds = new Map<string, number>();
        for (const r of injected) faultKinds.set(r.fault!, (faultKinds.get(r.fault!) ?? 0) + 1);

        const lines = [
          `seed ${SEED}; runtime ${((Date.now() - runStart) / 1000).toFixed(1)}s; bridge processes ${processes.length} (${kills} SIGKILL, then SIGTERM -> exit ${String(exitCode)})`,
          `seller replies: ${sellerReplies.length} sent; delivered once + echoed ${seller.delivered} (${seller.echoedByReply} by "✓ Sent" reply, ${seller.deliveredAfterWait} after a ⏳ notice); failed (❌) ${seller.failed}; asking (❓) ${seller.asking}`,
          `  problems: twice at Market ${seller.duplicateAtMarket.length}; at Market but no echo ${seller.deliveredWithoutEcho.length}; no visible state ${seller.noVisibleState.length}; echoed but not at Market ${seller.echoedButNotAtMarket.length}; ❌ but at Market ${seller.failedButAtMarket.length}; ⏳ notice left standing ${seller.staleNotice.length}; unknown texts at Market ${strangersAtMarket.length}; chats whose replies reached Market out of order ${repliesOutOfOrder.length}`,
          `  relay ledger: ${countBy([...relayRows.values()].map((r) => r.state))}`,
          `buyer messages: ${[...buyerTexts.values()].flat().length} at Market; shown in their topic ${buyer.shown}; missing ${buyer.missing.length}; duplicated ${buyer.duplicated.length}; posted again marked as a possible repeat after a kill ${buyer.markedRepeats.length}; chats out of order ${buyer.outOfOrder.length}; in another topic ${buyer.elsewhere}; own relays shown as cabinet messages ${cabinetEchoes.length}`,
          `  Telegram accepted -> recorded as posted (the window a SIGKILL repeats a buyer message in): p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${(unrecordedMs.at(-1) ?? NaN).toFixed(1)} ms (over ${unrecordedMs.length} messages)`,
          `topics created by the bot: ${topics.length} (expected ${CHATS})`,
          `Market: ${requests.length} requests, max in flight ${market.maxInFlightSeen}, injected faults ${injected.length} (${countBy(injected.map((r) => r.fault!))}), 420s not injected ${real420.length}, spec violations ${market.violations.length}`,
          `  per operation (quota): ${[...perOp].map(([op, n]) => `${op} ${n}/${QUOTAS[op as OperationId] ?? '?'}`).join(', ')}`,
          `Telegram: ${tgFaultsFired.length} faults queued (${countBy(tgFaultsFired)}), ${unusedTgFaults} unused when faults stopped; ${tg.calls.length} calls`,
          `secrets in ${output.length} bytes of bridge output: ${leaked.length === 0 ? 'none' : leaked.length}`,
          `quiescent: ${quiet.ok ? 'yes' : `no: ${quiet.why}`}; unexpected exits ${unexpectedExits.length}`,
        ];
        const details = [
          ...seller.duplicateAtMarket.map((d) => `TWICE AT MARKET: ${d}`),
          ...seller.deliveredWithoutEcho.map((d) => `NO ECHO: ${d}`),
          ...seller.noVisibleState.map((d) => `NO VISIBLE STATE: ${d}`),
          ...seller.echoedButNotAtMarket.map((d) => `ECHOED, NOT AT MARKET: ${d}`),
          ...seller.failedButAtMarket.map((d) => `❌ BUT AT MARKET: ${d}`),
          ...seller.staleNotice.map((d) => `⏳ LEFT STANDING: ${d}`),
          ...repliesOutOfOrder.map((d) => `REPLIES OUT OF ORDER: ${d}`),
          ...strangersAtMarket.map((k) => `UNKNOWN AT MARKET: ${k.replace('\u0000', ': ')}`),
          ...buyer.missing.map((d) => `BUYER MISSING: ${d}`),
          ...buyer.duplicated.map((d) => `BUYER TWICE: ${d}`),
          ...buyer.outOfOrder.map((id) => `BUYER OUT OF ORDER: chat ${id}`),
          ...cabinetEchoes.map((d) => `OWN RELAY SHOWN AGAIN: ${d}`),
          ...real420.slice(0, 10).map((r) => `420 NOT INJECTED: ${describeRequest(r)}`),
          ...unexpectedExits.map((d) => `UNEXPECTED EXIT: ${d}`),
        ];
        const report = `=== fault-injection suite, seed ${SEED} ===\n${lines.join('\n')}${details.length ? `\n--- details ---\n${details.slice(0, 60).join('\n')}` : ''}\n`;
        console.log(`\n${report}`);
        if (process.env.FAULT_KEEP) {
          writeFileSync(join(dir, 'report.txt'), `${report}\n${details.join('\n')}\n`);
        }

        // ---- the promises ----
        expect(kills, 'SIGKILLs').toBeGreaterThanOrEqual(3);
        expect(sellerReplies).toHaveLength(CHATS * PER_CHAT);
        expect(unexpectedExits, 'bridge processes that died by themselves').toEqual([]);
        expect(quiet.ok, `the system settled within ${QUIET_TIMEOUT_MS / 1000}s (${quiet.why})`).toBe(true);
        expect(exitCode, 'graceful stop on SIGTERM').toBe(0);
        expect(seller.duplicateAtMarket, 'seller replies at Market twice').toEqual([]);
        expect(seller.noVisibleState, 'seller replies with no visible state').toEqual([]);
        expect(seller.deliveredWithoutEcho, 'seller replies delivered but not echoed').toEqual([]);
        expect(seller.echoedButNotAtMarket, 'seller replies echoed as sent but not at Market').toEqual([]);
        expect(seller.failedButAtMarket, 'seller replies shown as failed but at Market').toEqual([]);
        expect(seller.staleNotice, '"⏳ will be retried" notices left standing').toEqual([]);
        expect(repliesOutOfOrder, 'chats whose replies reached Market out of order').toEqual([]);
        expect(strangersAtMarket, 'texts at Market nobody sent').toEqual([]);
        expect(seller.delivered + seller.failed + seller.asking).toBe(sellerReplies.length);
        expect(buyer.missing, 'buyer messages missing from their topic').toEqual([]);
        expect(buyer.duplicated, 'buyer messages shown twice').toEqual([]);
        expect(buyer.outOfOrder, 'chats whose buyer messages are out of order').toEqual([]);
        expect(buyer.elsewhere, 'buyer messages in another topic').toBe(0);
        expect(cabinetEchoes, 'the bridge’s own relays shown again as cabinet messages').toEqual([]);
        expect(topics, 'one topic per chat').toHaveLength(CHATS);
        expect(market.maxInFlightSeen, 'requests in flight at Market').toBeLessThanOrEqual(4);
        expect(real420.map(describeRequest), '420s that were not injected (quota or parallel limit)').toEqual([]);
        expect(
          [...perOp].filter(([op, n]) => n > (QUOTAS[op as OperationId] ?? Infinity)),
          'operations called more often than their hourly quota',
        ).toEqual([]);
        expect(market.violations, 'requests that break the official spec').toEqual([]);
        expect(tg.internalErrors, 'errors inside the fake Telegram').toEqual([]);
        expect(leaked.length, 'secrets in the bridge output').toBe(0);
      } finally {
        market.setRandomFaults(null);
        for (const proc of processes) {
          if (!proc.exit) {
            killed.add(proc);
            await proc.kill('SIGKILL');
          }
        }
        await tg.stop();
        await market.stop();
        if (process.env.FAULT_KEEP) {
          processes.forEach((x, i) => writeFileSync(join(dir, `bridge-${i + 1}.log`), x.text()));
          console.log(`kept ${dir} (the database, report.txt, and each bridge process's output)`);
        }
        else rmSync(dir, { recursive: true, force: true });
      }
    },
    175_000,
  );
});

function countBy(items: readonly string[]): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

function describeRequest(r: RecordedRequest): string {
  return `${r.operationId ?? r.path} chatId=${r.query.chatId ?? '-'} status ${r.status} at ${new Date(r.startedAt).toISOString()}`;
}

/**
 * Waits until nothing is left to do: every update confirmed, no relay open, every Market message recorded and
 * posted, and no Telegram call (other than the long poll) for QUIET_STABLE_MS. Resolves either way, saying why not.
 */
async function waitQuiescent(p: {
  tg: FakeTelegram;
  market: FakeMarket;
  dbPath: string;
  marketChats: number[];
}): Promise<{ ok: boolean; why: string }> {
  const end = Date.now() + QUIET_TIMEOUT_MS;
  let lastCalls = -1;
  let stableSince = Date.now();
  let why = '';
  for (;;) {
    const calls = p.tg.calls.filter((c) => c.method !== 'getUpdates');
    if (calls.length !== lastCalls || calls.some((c) => !c.done)) {
      lastCalls = calls.length;
      stableSince = Date.now();
    }
    const open = query<{ n: number }>(p.dbPath, "SELECT count(*) AS n FROM relays WHERE state IN ('pending', 'sending')")[0]!.n;
    const unposted = query<{ n: number }>(p.dbPath, "SELECT count(*) AS n FROM inbound_messages WHERE state = 'pending'")[0]!.n;
    const unhandled = query<{ n: number }>(p.dbPath, "SELECT count(*) AS n FROM inbox WHERE state = 'pending'")[0]!.n;
    const cursors = new Map(
      query<{ market_chat_id: number; last_message_id: number | null }>(p.dbPath, 'SELECT market_chat_id, last_message_id FROM market_chats').map(
        (r) => [r.market_chat_id, r.last_message_id ?? 0],
      ),
    );
    const behind = p.marketChats.filter((id) => (cursors.get(id) ?? 0) < (p.market.messagesOf(id).at(-1)?.messageId ?? 0)).length;
    const updates = p.tg.pendingUpdates();
    const stableFor = Date.now() - stableSince;
    why = `${updates} updates unconfirmed, ${unhandled} updates unhandled, ${open} relays open, ${behind} chats not read to the end, ${unposted} buyer messages unposted, Telegram quiet for ${stableFor} ms`;
    if (updates === 0 && unhandled === 0 && open === 0 && behind === 0 && unposted === 0 && stableFor >= QUIET_STABLE_MS) return { ok: true, why };
    if (Date.now() > end) return { ok: false, why };
    await sleep(250);
  }
}
