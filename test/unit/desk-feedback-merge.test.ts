/**
 * The waiting list of a Telegram chat that shows several shops (services.shopsIn): each shop's chats, reviews and
 * questions merged into one list, oldest wait first, paged by 10, on a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordPost, updatePost } from '../../src/db/feedback.js';
import { recordSync } from '../../src/db/inbound.js';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { waitingListPage } from '../../src/telegram/features/desk.js';

const MIN = 60_000;
const NOW = Date.parse('2026-03-03T12:00:00Z');
const TG = -1001234567890;

let opened: { db: OpenDb; dir: string } | undefined;
afterEach(() => {
  opened?.db.close();
  if (opened) rmSync(opened.dir, { recursive: true, force: true });
  opened = undefined;
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'desk-merge-'));
  const db = openDb(join(dir, 'bridge.sqlite'));
  opened = { db, dir };
  const buyerWrites = (businessId: number, chatId: number, at: number) =>
    recordSync(
      db.db,
      businessId,
      {
        facts: { marketChatId: chatId, type: 'CHAT', status: 'WAITING_FOR_PARTNER', contextType: 'ORDER', orderId: chatId, returnId: null, customerName: `Buyer${chatId}`, marketCreatedAt: null },
        marketUpdatedAt: at,
        shownFrom: null,
        messages: [{ marketMessageId: chatId * 10, sender: 'CUSTOMER', createdAt: at, text: 'hello?', files: null }],
        skipped: 0,
        lastMessageId: chatId * 10,
        clockSkewMs: 0,
      },
      at,
    );
  let message = 1;
  const reviewPosted = (businessId: number, id: number, writtenAt: number) => {
    const key = { businessId, kind: 'review' as const, targetId: id };
    const data = { feedbackId: id, createdAt: new Date(writtenAt).toISOString(), identifiers: { offerId: `SKU-${id}` }, statistics: { rating: 3, commentsCount: 0 } };
    recordPost(db.db, { ...key, data }, writtenAt + MIN);
    updatePost(db.db, key, { state: 'posted', tgChatId: TG, tgMessageId: 500 + message++, tgThreadId: 7 }, writtenAt + MIN);
  };
  const services = { db: db.db, shopsIn: () => [{ businessId: 1, name: 'Alpha' }, { businessId: 2, name: 'Beta' }] };
  return { buyerWrites, reviewPosted, page: (offset: number) => waitingListPage(services, TG, offset, NOW) };
}

describe('the waiting list of several shops with reviews', () => {
  it('merges both shops’ chats and reviews oldest first, counts each kind, and pages on', () => {
    const s = setup();
    // Shop 1: chats waiting 100..91 min; shop 2: reviews written 95.5, 90.5, ... min ago, and one chat 1 min.
    for (let i = 0; i < 10; i++) s.buyerWrites(1, 101 + i, NOW - (100 - i) * MIN);
    for (let i = 0; i < 3; i++) s.reviewPosted(2, 9001 + i, NOW - (95.5 - i * 5) * MIN);
    s.buyerWrites(2, 201, NOW - MIN);
    const first = s.page(0).text.split('\n');
    expect(first[0]).toBe('⏳ Waiting for the shop: 11 chats, 3 reviews · page 1/2');
    // (Chats without a topic here get a line saying where to reply: left out.)
    const items = first.slice(2).filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/ — .*/, ''));
    expect(items).toEqual([
      '1. Order 101 · Buyer101',
      '2. Order 102 · Buyer102',
      '3. Order 103 · Buyer103',
      '4. Order 104 · Buyer104',
      '5. Order 105 · Buyer105',
      '6. ⭐ Review 9001 · ★★★☆☆ 3/5 · SKU-9001',
      '7. Order 106 · Buyer106',
      '8. Order 107 · Buyer107',
      '9. Order 108 · Buyer108',
      '10. Order 109 · Buyer109',
    ]);
    const second = s.page(10).text.split('\n');
    expect(second[0]).toBe('⏳ Waiting for the shop: 11 chats, 3 reviews · page 2/2');
    const items2 = second.slice(2).filter((l) => /^\d+\. /.test(l));
    expect(items2.map((l) => l.replace(/ — .*/, ''))).toEqual([
      '11. Order 110 · Buyer110',
      '12. ⭐ Review 9002 · ★★★☆☆ 3/5 · SKU-9002',
      '13. ⭐ Review 9003 · ★★★☆☆ 3/5 · SKU-9003',
      '14. Order 201 · Buyer201',
    ]);
    expect(items2[1]).toBe('12. ⭐ Review 9002 · ★★★☆☆ 3/5 · SKU-9002 — 1 h 30 min');
    // Its post is linked like a topic.
    expect(s.page(10).markup.inline_keyboard.flat().filter((b) => 'url' in b)).toEqual([
      { text: '12 ↗', url: 'https://t.me/c/1234567890/502' },
      { text: '13 ↗', url: 'https://t.me/c/1234567890/503' },
    ]);
  });
});
