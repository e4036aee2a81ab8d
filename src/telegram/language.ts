/**
 * Which language the bot speaks for an update or a chat: the chat's /language choice; else, in a private chat, the
 * user's Telegram language when it is ru, en or zh; else BOT_LANGUAGE. The one place that decides it.
 */
import type { Update } from 'grammy/types';
import { chatLanguage, noteTelegramLanguage } from '../db/chat-languages.js';
import type { Db } from '../db/open.js';
import { langOfCode, type Lang } from '../languages.js';
import { defaultLanguage, withLanguage, withLanguageNow } from '../texts.js';

export function languageOfChat(db: Db, tgChatId: number, fallback: Lang): Lang {
  return chatLanguage(db, tgChatId)?.language ?? fallback;
}

export function languageOfUpdate(db: Db, u: Update, fallback: Lang): Lang {
  const m = u.message ?? u.edited_message ?? u.callback_query?.message ?? u.channel_post ?? u.edited_channel_post;
  const chat = m?.chat ?? u.my_chat_member?.chat ?? u.chat_member?.chat ?? u.chat_join_request?.chat;
  const from = u.message?.from ?? u.edited_message?.from ?? u.callback_query?.from ?? u.my_chat_member?.from;
  if (!chat) return langOfCode(from?.language_code) ?? fallback;
  const row = chatLanguage(db, chat.id);
  if (row?.source === 'chosen') return row.language;
  if (chat.type === 'private') {
    const fromTelegram = langOfCode(from?.language_code);
    if (fromTelegram) {
      // Remembered, so a notice sent to this chat later (no update to read it from) speaks it too.
      noteTelegramLanguage(db, chat.id, fromTelegram);
      return fromTelegram;
    }
    return row?.language ?? fallback;
  }
  return fallback;
}

/** Runs `fn` speaking the language of the Telegram chat it writes to (work that no update started: echoes, syncs). */
export function inChatLanguage<T>(db: Db, tgChatId: number, fn: () => T): T {
  return withLanguage(spokenIn(db, tgChatId), fn);
}

/** `inChatLanguage` for a synchronous `fn` that only words a text (enters no async scope: texts.ts says why). */
export function textInChatLanguage(db: Db, tgChatId: number, fn: () => string): string {
  return withLanguageNow(spokenIn(db, tgChatId), fn);
}

function spokenIn(db: Db, tgChatId: number): Lang {
  try {
    return languageOfChat(db, tgChatId, defaultLanguage());
  } catch {
    return defaultLanguage(); // the database unreadable: still say it, in BOT_LANGUAGE
  }
}
