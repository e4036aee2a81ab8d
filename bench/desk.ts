/**
 * The team's desk: how long /chats takes to compose its first page (the stored-data query and the text) with
 * 10,000 Market chats stored, a third of them waiting. Run alone: npx tsx bench/desk.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/open.js';
import { waitingListPage } from '../src/telegram/features/desk.js';
import type { Services } from '../src/telegram/services.js';
import { fmt, percentile, runIfMain, type Row } from './table.js';

const SECTION = 'desk /chats';
const CHATS = 10_000;
const TG_CHAT = -1001234567890;

export async function benchDesk(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-desk-'));
  const db = openDb(join(dir, 'bridge.sqlite'));
  try {
    const now = Date.now();
    const s = db.sqlite;
    const chat = s.prepare(
      `INSERT INTO market_chats (business_id, market_chat_id, type, status, context_type, order_id, customer_name, market_updated_at, created_at, updated_at)
       VALUES (1, ?, 'CHAT', ?, 'ORDER', ?, ?, ?, ?, ?)`,
    );
    const msg = s.prepare(
      `INSERT INTO inbound_messages (business_id, market_chat_id, market_message_id, sender, created_at, text, state, recorded_at)
       VALUES (1, ?, ?, ?, ?, 'text', 'delivered', ?)`,
    );
    const thread = s.prepare('INSERT INTO threads (tg_chat_id, tg_thread_id, business_id, market_chat_id, created_at) VALUES (?, ?, 1, ?, ?)');
    const take = s.prepare('INSERT INTO chat_takes (business_id, market_chat_id, tg_user_id, tg_user_name, taken_at) VALUES (1, ?, 111, ?, ?)');
    s.transaction(() => {
      for (let i = 1; i <= CHATS; i++) {
        const at = now - (CHATS - i) * 60_000;
        // Every third chat waits (the buyer wrote last); the others were answered or finished.
        const kind = i % 3;
        chat.run(i, kind === 2 ? 'FINISHED' : kind === 0 ? 'WAITING_FOR_PARTNER' : 'WAITING_FOR_CUSTOMER', 100_000 + i, `Buyer ${i}`, at, at, at);
        for (let m = 1; m <= 4; m++) msg.run(i, i * 10 + m, m % 2 === 1 || (kind === 0 && m === 4) ? 'CUSTOMER' : 'PARTNER', at + m, at + m);
        thread.run(TG_CHAT, i + 1, i, at);
        if (i % 7 === 0) take.run(i, 'Anna', at);
      }
    })();
    const services = { db: db.db, shopsIn: () => [{ businessId: 1, name: 'Bench shop' }] } as Pick<Services, 'db' | 'shopsIn'>;
    const first = waitingListPage(services, TG_CHAT, 0, now);
    if (!first.text.includes(`${Math.floor(CHATS / 3)} chats`)) throw new Error(`unexpected list: ${first.text.split('\n')[0]}`);
    const times: number[] = [];
    for (let run = 0; run < 30; run++) {
      const t0 = performance.now();
      waitingListPage(services, TG_CHAT, run % 2 === 0 ? 0 : 1000, now);
      times.push(performance.now() - t0);
    }
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    return [
      { section: SECTION, metric: `page with ${CHATS} chats stored, p50`, value: `${fmt(p50)} ms`, target: '< 50 ms', ok: p50 < 50 },
      { section: SECTION, metric: `page with ${CHATS} chats stored, p95`, value: `${fmt(p95)} ms`, target: '< 50 ms', ok: p95 < 50 },
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, benchDesk);
