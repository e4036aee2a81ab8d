/**
 * Where a shop's buyer chats appear in Telegram: the chat an owner chose with /setup, else TELEGRAM_CHAT_ID, else
 * nowhere yet. The one place that decides it; the inbound sync asks it at start and after every /setup change.
 * The id is as placed or configured: the Telegram side follows a group's upgrade to a supergroup itself.
 */
import type { Db } from '../db/open.js';
import { placeOf } from '../db/places.js';

export function destinationFor(db: Db, configuredChatId: number | undefined, businessId: number): number | undefined {
  return placeOf(db, businessId) ?? configuredChatId;
}
