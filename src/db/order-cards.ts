/**
 * The `order_cards` table (schema.ts): the order behind each chat card, what the card shows of it, and when it was
 * last read. Queries for bridge/orders.ts; the card's chat itself lives in `market_chats`.
 */
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { marketChats, orderCards, type OrderCardRow } from './schema.js';

export type { OrderCardRow };

/** Records that a chat's card is about an order (again: the order id and the chat's start are refreshed). */
export function trackOrderCard(
  db: Db,
  p: { businessId: number; marketChatId: number; orderId: number; chatCreatedAt: number | null },
  now: number,
): OrderCardRow {
  db.insert(orderCards)
    .values({ ...p, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [orderCards.businessId, orderCards.marketChatId],
      // A different order (should not happen: a chat's context is fixed) starts afresh.
      set: {
        orderId: p.orderId,
        chatCreatedAt: p.chatCreatedAt,
        view: sql`CASE WHEN ${orderCards.orderId} = ${p.orderId} THEN ${orderCards.view} ELSE NULL END`,
        refreshedAt: sql`CASE WHEN ${orderCards.orderId} = ${p.orderId} THEN ${orderCards.refreshedAt} ELSE NULL END`,
        updatedAt: now,
      },
    })
    .run();
  return getOrderCard(db, p.businessId, p.marketChatId)!;
}

export function getOrderCard(db: Db, businessId: number, marketChatId: number): OrderCardRow | undefined {
  return db
    .select()
    .from(orderCards)
    .where(and(eq(orderCards.businessId, businessId), eq(orderCards.marketChatId, marketChatId)))
    .get();
}

export function orderCardsOf(db: Db, businessId: number, orderIds: number[]): OrderCardRow[] {
  if (orderIds.length === 0) return [];
  return db
    .select()
    .from(orderCards)
    .where(and(eq(orderCards.businessId, businessId), inArray(orderCards.orderId, orderIds)))
    .all();
}

/** A notification said the order changed: its cards are read at the next chance. Returns how many cards it has. */
export function markOrderDue(db: Db, businessId: number, orderId: number, now: number): number {
  return db
    .update(orderCards)
    .set({ due: true, updatedAt: now })
    .where(and(eq(orderCards.businessId, businessId), eq(orderCards.orderId, orderId)))
    .run().changes;
}

/**
 * Order ids whose cards should be read now, at most `limit`: those a notification marked, then those of open chats
 * (not FINISHED) never read or read at or before `staleBefore`, the longest-unread first.
 */
export function dueOrderIds(db: Db, businessId: number, staleBefore: number, limit: number): number[] {
  const rows = db
    .selectDistinct({ orderId: orderCards.orderId, due: orderCards.due, refreshedAt: orderCards.refreshedAt })
    .from(orderCards)
    .leftJoin(marketChats, eq(marketChats.marketChatId, orderCards.marketChatId))
    .where(
      and(
        eq(orderCards.businessId, businessId),
        or(
          eq(orderCards.due, true),
          and(
            or(isNull(marketChats.status), ne(marketChats.status, 'FINISHED')),
            or(isNull(orderCards.refreshedAt), lte(orderCards.refreshedAt, staleBefore)),
          ),
        ),
      ),
    )
    .orderBy(sql`${orderCards.due} DESC`, sql`${orderCards.refreshedAt} IS NOT NULL`, asc(orderCards.refreshedAt))
    .limit(limit * 4)
    .all();
  return [...new Set(rows.map((r) => r.orderId))].slice(0, limit);
}

/** What Market said about an order, for all its cards; clears `due` unless a newer notification came meanwhile. */
export function storeOrderView(
  db: Db,
  businessId: number,
  orderId: number,
  view: unknown,
  readStartedAt: number,
  now: number,
): void {
  db.update(orderCards)
    .set({
      view,
      refreshedAt: now,
      due: sql`CASE WHEN ${orderCards.updatedAt} > ${readStartedAt} THEN ${orderCards.due} ELSE 0 END`,
      updatedAt: now,
    })
    .where(and(eq(orderCards.businessId, businessId), eq(orderCards.orderId, orderId)))
    .run();
}

export function setShownFingerprint(db: Db, businessId: number, marketChatId: number, fingerprint: string | null, now: number): void {
  db.update(orderCards)
    .set({ shownFingerprint: fingerprint, updatedAt: now })
    .where(and(eq(orderCards.businessId, businessId), eq(orderCards.marketChatId, marketChatId)))
    .run();
}

export function setReplyCardMessage(db: Db, businessId: number, marketChatId: number, messageId: number | null, now: number): void {
  db.update(orderCards)
    .set({ replyCardMessageId: messageId, updatedAt: now })
    .where(and(eq(orderCards.businessId, businessId), eq(orderCards.marketChatId, marketChatId)))
    .run();
}
