/**
 * The /stats chart for 30 days (issue 11): reading the stored times, computing the figures, drawing the SVG and
 * rasterising it to PNG, on a made record of 3,000 chats with 1-3 conversations each. Target < 500 ms.
 * Run alone: npx tsx bench/stats.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerReport } from '../src/bridge/answer-report.js';
import { renderAnswerChart } from '../src/charts/answer-chart.js';
import { openDb } from '../src/db/open.js';
import { chartLabels, statsCaption } from '../src/telegram/answer-words.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const CHATS = 3_000;
const DAY = 86_400_000;

export async function benchStats(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stats-'));
  const db = openDb(join(dir, 'bench.sqlite'));
  try {
    const now = Date.now();
    const insert = db.sqlite.prepare(
      `insert into inbound_messages (market_chat_id, market_message_id, sender, created_at, text, state, recorded_at)
       values (?, ?, ?, ?, 'text', 'delivered', ?)`,
    );
    let id = 0;
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    db.sqlite.transaction(() => {
      for (let chat = 1; chat <= CHATS; chat++) {
        let at = now - 31 * DAY + rand() * DAY;
        for (let c = 0, n = 1 + Math.floor(rand() * 3); c < n; c++) {
          at += rand() * 9 * DAY;
          if (at > now) break;
          insert.run(chat, ++id, 'CUSTOMER', Math.round(at), Math.round(at));
          if (rand() < 0.9) insert.run(chat, ++id, 'PARTNER', Math.round(at + rand() * 3 * 3_600_000), Math.round(at));
        }
      }
    })();
    const report = new AnswerReport({ db: db.db, businessId: 1 });
    const once = async () => {
      const t0 = performance.now();
      const figures = report.lastDays(30, now);
      const png = await renderAnswerChart(figures, chartLabels(30));
      statsCaption(figures, 30);
      return { ms: performance.now() - t0, bytes: png.length };
    };
    const first = await once(); // loads echarts and resvg
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push((await once()).ms);
    const p50 = percentile(runs, 50);
    return [
      { section: 'stats', metric: `/stats 30 chart, ${id} stored messages (median of 5)`, value: `${fmt(p50)} ms`, target: '< 500 ms', ok: p50 < 500 },
      { section: 'stats', metric: 'first /stats after start (loads echarts, resvg)', value: `${fmt(first.ms)} ms, ${Math.round(first.bytes / 1024)} KB PNG`, target: '(shown)', ok: true },
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, benchStats);
