/**
 * Start to first poll: the built bridge (node dist/main.js with the flags of `npm start`, as BridgeProcess.spawn
 * runs it) over a database with data in it (BENCH_START_CHATS synced chats, default 10,000, with 10 mapped messages
 * each: the inbound memory run's data), from spawn to the fake Telegram's first getUpdates. Baseline: the bare
 * grammY bot (bench/bare-bot.mjs), spawn -> first getUpdates. The two are started in turns (bare, bridge, bare ...)
 * so a load spike from the other work on the machine hits both alike; the median of BENCH_STARTS starts (5) each.
 *
 * Run: npm run bench (all sections) or npx tsx bench/start.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMarket } from '../test/fakes/market.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { fakesEnv } from '../test/helpers/env.js';
import { BridgeProcess, buildDist } from '../test/helpers/process.js';
import { firstPoll, spawnBareBot } from './bare.js';
import { seedChats, seedDatabase } from './inbound.js';
import { ratio } from './relay.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const ADMIN_ID = 111;
const GROUP_ID = -1001234567890;
const TARGET_MS = 1000;
const hrNow = () => performance.timeOrigin + performance.now();

export async function benchStart(opts: { build?: boolean; chats?: number; starts?: number } = {}): Promise<Row[]> {
  const total = opts.chats ?? Number(process.env.BENCH_START_CHATS ?? 10_000);
  const starts = opts.starts ?? Number(process.env.BENCH_STARTS ?? 5);
  if (opts.build !== false) buildDist();
  const tg = await FakeTelegram.start();
  const market = await FakeMarket.start();
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const dbPath = join(dir, 'bridge.sqlite');
  try {
    tg.addGroup({ id: GROUP_ID, title: 'Bench shop', forum: true });
    const chats = seedChats(market, total, 100);
    seedDatabase(dbPath, chats, 10, 0);
    const env = fakesEnv(tg, market, { adminIds: [ADMIN_ID], databasePath: dbPath, logLevel: 'warn' }, {
      TELEGRAM_CHAT_ID: String(GROUP_ID),
      MARKET_POLL_INTERVAL_SECONDS: '3600',
    });
    const bridge: number[] = [];
    const bare: number[] = [];
    const time = async (spawn: () => BridgeProcess): Promise<number> => {
      const from = tg.calls.length;
      const t0 = hrNow();
      const proc = spawn();
      try {
        return (await firstPoll(tg, proc, from, 60_000)) - t0;
      } finally {
        await proc.terminate();
      }
    };
    for (let i = 0; i < starts; i++) {
      bare.push(await time(() => spawnBareBot({ tg, marketUrl: market.url, apiKey: market.apiKey, businessId: market.businessId, chats: chats[0]!.chatId })));
      bridge.push(await time(() => BridgeProcess.spawn(env, dir)));
    }
    const b = percentile(bridge, 50);
    const base = percentile(bare, 50);
    return [
      {
        section: 'start',
        metric: `spawn -> first getUpdates, ${total} chats + ${total * 10} messages stored (median of ${starts}; all: ${bridge.map((x) => x.toFixed(0)).join(', ')} ms)`,
        value: `${fmt(b)} ms (${b >= base ? '+' : '-'}${fmt(Math.abs(b - base))} ms, ${ratio(b, base)})`,
        baseline: `${fmt(base)} ms`,
        target: `<= ${TARGET_MS} ms`,
        ok: b <= TARGET_MS,
      },
    ];
  } finally {
    await tg.stop();
    await market.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, benchStart);
