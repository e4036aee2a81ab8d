/** The `chat_languages` table: which language the bot speaks in each Telegram chat. */
import { eq, sql } from 'drizzle-orm';
import { isLang, type Lang } from '../languages.js';
import type { Db } from './open.js';
import { cached } from './prepared.js';
import { chatLanguages } from './schema.js';

export function chatLanguage(db: Db, tgChatId: number): { language: Lang; source: 'chosen' | 'telegram' } | undefined {
  // Read for every update and every echo: prepared once.
  const stmt = cached(db, 'chatLanguages.of', () =>
    db.select().from(chatLanguages).where(eq(chatLanguages.tgChatId, sql.placeholder('id'))).prepare(),
  );
  const row = stmt.get({ id: tgChatId });
  return row && isLang(row.language) ? { language: row.language, source: row.source } : undefined;
}

/** /language in that chat: wins over everything else, for good. */
export function chooseChatLanguage(db: Db, tgChatId: number, language: Lang, now = Date.now()): void {
  db.insert(chatLanguages)
    .values({ tgChatId, language, source: 'chosen', updatedAt: now })
    .onConflictDoUpdate({ target: chatLanguages.tgChatId, set: { language, source: 'chosen', updatedAt: now } })
    .run();
}

/** A private chat's user language as Telegram reports it; never overrides a choice made with /language. */
export function noteTelegramLanguage(db: Db, tgChatId: number, language: Lang, now = Date.now()): void {
  const row = chatLanguage(db, tgChatId);
  if (row?.source === 'chosen' || row?.language === language) return;
  db.insert(chatLanguages)
    .values({ tgChatId, language, source: 'telegram', updatedAt: now })
    .onConflictDoUpdate({ target: chatLanguages.tgChatId, set: { language, source: 'telegram', updatedAt: now } })
    .run();
}

/** A group's new id after an upgrade to a supergroup keeps the language chosen under the old one. */
export function moveChatLanguage(db: Db, from: number, to: number, now = Date.now()): void {
  const row = chatLanguage(db, from);
  if (!row || chatLanguage(db, to)) return;
  db.insert(chatLanguages).values({ tgChatId: to, language: row.language, source: row.source, updatedAt: now }).onConflictDoNothing().run();
}
