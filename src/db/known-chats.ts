/**
 * "Does the bridge know this Market chat?", read-only, for the notification gate (bridge/notify-gate.ts): a chat
 * the inbound sync has recorded (`market_chats`) or one a seller has linked to a topic (`threads`). Notifications
 * for any other chat id are rationed, since anyone who can reach the endpoint could make them up.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { cached } from './prepared.js';
import { marketChats, threads } from './schema.js';

export function isKnownMarketChat(db: Db, businessId: number, marketChatId: number): boolean {
  // Asked once per notification, so prepared once.
  const recorded = cached(db, 'knownChats.recorded', () =>
    db
      .select({ one: sql<number>`1` })
      .from(marketChats)
      .where(and(eq(marketChats.businessId, sql.placeholder('biz')), eq(marketChats.marketChatId, sql.placeholder('id'))))
      .limit(1)
      .prepare(),
  );
  const linked = cached(db, 'knownChats.linked', () =>
    db
      .select({ one: sql<number>`1` })
      .from(threads)
      .where(and(eq(threads.businessId, sql.placeholder('biz')), eq(threads.marketChatId, sql.placeholder('id'))))
      .limit(1)
      .prepare(),
  );
  return recorded.get({ biz: businessId, id: marketChatId }) !== undefined || linked.get({ biz: businessId, id: marketChatId }) !== undefined;
}
