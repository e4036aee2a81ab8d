/**
 * Buyer backlog benchmark (issue 13): 100 buyer messages recorded at once in one new chat, shown in a forum
 * supergroup with Telegram's REAL pacing (20 sends a minute per group; the fake Telegram enforces the same limits
 * and answers 429 over them), against the fake Market and fake Telegram on loopback, the bridge in this process.
 *
 *   combined   the bridge as shipped: seconds from syncChat until every one of the 100 texts is in the fake Telegram,
 *              and how many posts carried them
 *   baseline   combining off (InboundOptions.combineBacklog = false), one post per message as before: measured with
 *              BENCH_BACKLOG_BASELINE_MESSAGES messages (25: topic + card + 25 posts just spill into a second
 *              window), and for 100 computed from the pacing (running it would take five minutes)
 *
 * Run: npx tsx bench/backlog.ts. BENCH_BACKLOG_MESSAGES sets the backlog (100); BENCH_BACKLOG_BASELINE_MESSAGES the
 * measured baseline (25; 0 skips it, leaving the computed figure). About 65 s of wall time with the defaults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config.js';
import { startBridge } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { TELEGRAM_PACING } from '../src/telegram/outbox.js';
import { FakeMarket } from '../test/fakes/market.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { fakesEnv } from '../test/helpers/env.js';
import { runIfMain, type Row } from './table.js';

const SECTION = 'backlog';
const ADMIN_ID = 111;
const GROUP_ID = -1001234567890;
const TARGET_S = 60;

/** What buyers write, 30–110 characters: the backlog's entries are as long as real ones. */
const PHRASES = [
  'Hello, where is my order?',
  'The courier did not come today, when will the parcel be delivered?',
  'Can I change the delivery address to the pick-up point near my house?',
  'The box was damaged, I attach nothing yet but the item seems fine.',
  'Is the blue one in stock in size M?',
  'Please call me before delivery, the intercom does not work.',
  'Thank you!',
  'I would like to return one of the two items, how do I do it through Market?',
];

export async function benchBacklog(): Promise<Row[]> {
  const messages = Number(process.env.BENCH_BACKLOG_MESSAGES ?? 100);
  const baselineMessages = Number(process.env.BENCH_BACKLOG_BASELINE_MESSAGES ?? 25);
  const rows: Row[] = [];
  const combined = await showBacklog(messages, true);
  rows.push({
    section: SECTION,
    metric: `${messages} queued buyer messages in one chat, real pacing (${TELEGRAM_PACING.groupPerMinute}/min): until all are in Telegram`,
    value: `${combined.seconds.toFixed(1)} s in ${combined.posts} posts (${combined.alone} alone, ${combined.posts - combined.alone} combined)`,
    target: `<= ${TARGET_S} s`,
    ok: combined.seconds <= TARGET_S && combined.floods === 0,
  });
  // Combining off: topic, card and one post per message, 20 a minute (sends 1-20 at once, the next 20 a minute later…).
  const computed = (n: number) => Math.floor((n + 2 - 1) / TELEGRAM_PACING.groupPerMinute) * 60;
  rows.push({
    section: SECTION,
    metric: `baseline: the same ${messages} one post each (combining off; computed from the pacing)`,
    value: `${computed(messages)} s in ${messages} posts`,
    target: 'baseline',
    ok: true,
  });
  let floods = combined.floods;
  if (baselineMessages > 0) {
    const base = await showBacklog(baselineMessages, false);
    floods += base.floods;
    rows.push({
      section: SECTION,
      metric: `baseline measured: ${baselineMessages} messages one post each (computed: ${computed(baselineMessages)} s)`,
      value: `${base.seconds.toFixed(1)} s in ${base.posts} posts`,
      target: 'baseline',
      ok: base.floods === 0,
    });
  }
  rows.push({
    section: SECTION,
    metric: 'Telegram 429s (flood limits enforced by the fake) in these runs',
    value: String(floods),
    target: '0',
    ok: floods === 0,
  });
  return rows;
}

interface Shown {
  seconds: number;
  posts: number;
  /** Posts that carry one message as before. */
  alone: number;
  floods: number;
}

/** One run: a fresh bridge, `n` messages recorded in a new chat, then syncChat; until every text is in Telegram. */
async function showBacklog(n: number, combine: boolean): Promise<Shown> {
  const tg = await FakeTelegram.start();
  const market = await FakeMarket.start();
  tg.addGroup({ id: GROUP_ID, title: 'Bench shop', forum: true });
  tg.setRateLimits({});
  const dir = mkdtempSync(join(tmpdir(), 'bench-backlog-'));
  const parsed = parseConfig(
    fakesEnv(tg, market, { adminIds: [ADMIN_ID], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'silent' }, {
      TELEGRAM_CHAT_ID: String(GROUP_ID),
    }),
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const bridge = await startBridge(parsed.config, {
    log: createLogger({ level: 'silent', secrets: [tg.token, market.apiKey] }),
    pollTimeoutSeconds: 1,
    inbound: { pacing: TELEGRAM_PACING, combineBacklog: combine, sync: { intervalMs: 3_600_000 } },
  });
  try {
    const inbound = bridge.inbound!;
    // The first full scan of the empty shop, so the chat below counts as new (shown whole).
    await until(() => market.count('getChats') >= 1, 10_000);
    await inbound.sync.idle();
    const chat = market.addChat({ customerName: 'Backlog' });
    const texts = Array.from({ length: n }, (_, i) => `#${i + 1} ${PHRASES[i % PHRASES.length]}`);
    for (const message of texts) market.addMessage(chat.chatId, { message });
    const t0 = performance.now();
    void inbound.syncChat(chat.chatId, 'test');
    const carried = () => {
      const bodies = tg.botMessages(GROUP_ID).map((m) => m.text ?? '');
      // Each message's line is "#<i> <phrase>": found as a whole line in some post.
      const lines = new Set(bodies.flatMap((b) => b.split('\n')));
      return texts.every((x) => lines.has(x)) ? bodies : undefined;
    };
    const bodies = await until(carried, 400_000);
    const seconds = (performance.now() - t0) / 1000;
    const posts = bodies.filter((b) => texts.some((x) => b.split('\n').includes(x)));
    const floods = tg.calls.filter((c) => c.errorCode === 429).length;
    return { seconds, posts: posts.length, alone: posts.filter((b) => b.startsWith('👤 Buyer\n')).length, floods };
  } finally {
    await bridge.stop();
    await tg.stop();
    await market.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until<T>(check: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('bench/backlog: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

runIfMain(import.meta.url, benchBacklog);
