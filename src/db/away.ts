/** Which chats got the AWAY_MESSAGE in which non-working stretch (away_replies). */
import type Database from 'better-sqlite3';
import type { Db } from './open.js';

const raw = (db: Db): Database.Database => (db as Db & { $client: Database.Database }).$client;

export function awaySent(db: Db, businessId: number, marketChatId: number, stretch: number): boolean {
  return (
    raw(db)
      .prepare('SELECT 1 FROM away_replies WHERE business_id = ? AND market_chat_id = ? AND stretch = ?')
      .get(businessId, marketChatId, stretch) !== undefined
  );
}

/** Records the auto-reply; false when this chat already had it in this stretch. */
export function recordAway(
  db: Db,
  r: { businessId: number; marketChatId: number; stretch: number; tgChatId: number; tgMessageId: number },
  now: number,
): boolean {
  const res = raw(db)
    .prepare(
      `INSERT INTO away_replies (business_id, market_chat_id, stretch, tg_chat_id, tg_message_id, sent_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    )
    .run(r.businessId, r.marketChatId, r.stretch, r.tgChatId, r.tgMessageId, now);
  return res.changes === 1;
}
