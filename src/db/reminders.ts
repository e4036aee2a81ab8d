/** The reminders of each chat's current wait (chat_reminders), and whether its topic shows ⏰. */
import type Database from 'better-sqlite3';
import type { Db } from './open.js';

const raw = (db: Db): Database.Database => (db as Db & { $client: Database.Database }).$client;

export interface ReminderRow {
  marketChatId: number;
  waitSince: number;
  count: number;
  lastAt: number | null;
}

export function reminderRows(db: Db, businessId: number): Map<number, ReminderRow> {
  const rows = raw(db)
    .prepare('SELECT market_chat_id, wait_since, count, last_at FROM chat_reminders WHERE business_id = ?')
    .all(businessId) as Array<{ market_chat_id: number; wait_since: number; count: number; last_at: number | null }>;
  return new Map(rows.map((r) => [r.market_chat_id, { marketChatId: r.market_chat_id, waitSince: r.wait_since, count: r.count, lastAt: r.last_at }]));
}

export function saveReminder(db: Db, businessId: number, r: ReminderRow, now: number): void {
  raw(db)
    .prepare(
      `INSERT INTO chat_reminders (business_id, market_chat_id, wait_since, count, last_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (business_id, market_chat_id) DO UPDATE SET wait_since = excluded.wait_since, count = excluded.count,
         last_at = excluded.last_at, updated_at = excluded.updated_at`,
    )
    .run(businessId, r.marketChatId, r.waitSince, r.count, r.lastAt, now);
}

export function deleteReminder(db: Db, businessId: number, marketChatId: number): void {
  raw(db).prepare('DELETE FROM chat_reminders WHERE business_id = ? AND market_chat_id = ?').run(businessId, marketChatId);
}

/** Whether the chat's topic should show ⏰: it was reminded of in its current wait. */
export function reminded(db: Db, businessId: number, marketChatId: number): boolean {
  const row = raw(db).prepare('SELECT count FROM chat_reminders WHERE business_id = ? AND market_chat_id = ? AND count > 0').get(businessId, marketChatId);
  return row !== undefined;
}
