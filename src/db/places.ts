/**
 * `shop_places`: where each shop's buyer chats appear, as an owner chose with /setup. A shop without a row goes to
 * TELEGRAM_CHAT_ID (bridge/destination.ts decides).
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { cached } from './prepared.js';
import { shopPlaces } from './schema.js';

/** The Telegram chat /setup chose for this shop, if any. */
export function placeOf(db: Db, businessId: number): number | undefined {
  // Read for every post of the inbound sync, so prepared once.
  const q = cached(db, 'places.of', () =>
    db.select({ tgChatId: shopPlaces.tgChatId }).from(shopPlaces).where(eq(shopPlaces.businessId, sql.placeholder('b'))).prepare(),
  );
  return q.get({ b: businessId })?.tgChatId;
}

/** Puts the shop's chats in `tgChatId` from now on (replacing where they went before). */
export function setPlace(db: Db, businessId: number, tgChatId: number, byUserId: number, now = Date.now()): void {
  db.insert(shopPlaces)
    .values({ businessId, tgChatId, placedBy: byUserId, placedAt: now })
    .onConflictDoUpdate({ target: shopPlaces.businessId, set: { tgChatId, placedBy: byUserId, placedAt: now } })
    .run();
}

/** The shop's chats go back to TELEGRAM_CHAT_ID (or nowhere without it). */
export function clearPlace(db: Db, businessId: number): void {
  db.delete(shopPlaces).where(eq(shopPlaces.businessId, businessId)).run();
}

/** The shops whose chats appear in this Telegram chat (by /setup). */
export function shopsPlacedIn(db: Db, tgChatId: number): number[] {
  // Asked by the gate for every update: prepared once.
  const q = cached(db, 'places.in', () =>
    db
      .select({ businessId: shopPlaces.businessId })
      .from(shopPlaces)
      .where(eq(shopPlaces.tgChatId, sql.placeholder('c')))
      .orderBy(asc(shopPlaces.businessId))
      .prepare(),
  );
  return q.all({ c: tgChatId }).map((r) => r.businessId);
}

/** A group got a new id (an upgrade to a supergroup): the shops placed there follow it. Returns how many moved. */
export function movePlaces(db: Db, from: number, to: number): number {
  return db.update(shopPlaces).set({ tgChatId: to }).where(eq(shopPlaces.tgChatId, from)).run().changes;
}
