/**
 * Where a shop's buyer chats appear in Telegram: the chat an owner chose with /setup, else TELEGRAM_CHAT_ID (as
 * followed through an upgrade to a supergroup), else nowhere yet. The one place that decides it; the inbound sync
 * asks it at start and after every /setup change. A /setup place is as placed: the Telegram side follows a group's
 * upgrade itself (GroupChatId.resolve).
 */
import type { Db } from '../db/open.js';
import { placeOf } from '../db/places.js';
import type { GroupChatId } from './group.js';

export function destinationFor(db: Db, group: GroupChatId, businessId: number): number | undefined {
  return placeOf(db, businessId) ?? group.current();
}

/** Whether the shop's chats appear in this Telegram chat (as placed, or under the id an upgrade gave it). */
export function appearsIn(db: Db, group: GroupChatId, businessId: number, tgChatId: number): boolean {
  const place = destinationFor(db, group, businessId);
  return place !== undefined && (place === tgChatId || group.resolve(place) === tgChatId);
}
