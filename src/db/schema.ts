/**
 * The bridge's tables. Timestamps are Unix milliseconds. Telegram and Market ids fit in a JS number
 * (Telegram ids use at most 52 bits; Market ids are checked with Number.isSafeInteger where they enter).
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A forum topic linked to a Market chat: every authorised message in the topic goes to that chat. */
export const threads = sqliteTable(
  'threads',
  {
    tgChatId: integer('tg_chat_id').notNull(),
    tgThreadId: integer('tg_thread_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    /** Telegram user who linked it; null when the sync created the topic. */
    linkedBy: integer('linked_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tgChatId, t.tgThreadId] }),
    // One home thread per Market chat per Telegram chat: the sync and /link must agree on where a chat lives.
    uniqueIndex('threads_market_chat').on(t.tgChatId, t.marketChatId),
  ],
);

/**
 * Telegram messages that stand for a Market chat: the /link card, buyer messages, the bot's echoes, the seller's
 * own relayed messages. A Telegram reply to any of them is relayed to that chat (reply-chain mode).
 */
export const anchors = sqliteTable(
  'anchors',
  {
    tgChatId: integer('tg_chat_id').notNull(),
    tgMessageId: integer('tg_message_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    kind: text('kind', { enum: ['link_card', 'chat_card', 'buyer', 'echo', 'seller'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tgChatId, t.tgMessageId] }),
    index('anchors_market_chat').on(t.marketChatId),
  ],
);

export const RELAY_STATES = ['pending', 'sending', 'delivered', 'refused', 'failed', 'uncertain', 'cancelled'] as const;
export type RelayState = (typeof RELAY_STATES)[number];

/**
 * One row per seller message the bridge was asked to deliver. Written before any request to Market and updated
 * after it; the unique (chat, message) key is what stops a redelivered update or a restart from sending twice.
 */
export const relays = sqliteTable(
  'relays',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tgChatId: integer('tg_chat_id').notNull(),
    tgMessageId: integer('tg_message_id').notNull(),
    /** Forum topic of the seller's message, so every echo lands in the same thread. */
    tgThreadId: integer('tg_thread_id'),
    tgUserId: integer('tg_user_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    kind: text('kind', { enum: ['text', 'file'] }).notNull().default('text'),
    text: text('text'),
    /** For files: Telegram file id, name, size and type; the bytes are fetched again from Telegram when sent. */
    fileId: text('file_id'),
    fileName: text('file_name'),
    fileSize: integer('file_size'),
    fileMime: text('file_mime'),
    state: text('state', { enum: RELAY_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Do not try before this time (rate limit or quota); null = as soon as possible. */
    notBefore: integer('not_before'),
    httpStatus: integer('http_status'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** Start of the latest attempt: reconciliation looks for the message in Market's history from here on. */
    attemptStartedAt: integer('attempt_started_at'),
    deliveredAt: integer('delivered_at'),
    /** The bot's message that says the relay is waiting, edited when it resolves. */
    noticeMessageId: integer('notice_message_id'),
    editNoticeSent: integer('edit_notice_sent', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('relays_tg_message').on(t.tgChatId, t.tgMessageId),
    index('relays_state').on(t.state),
    index('relays_market_chat').on(t.marketChatId, t.state),
  ],
);

export type RelayRow = typeof relays.$inferSelect;
export type NewRelayRow = typeof relays.$inferInsert;

/** Small key/value facts that must survive a restart (one-time notices, cursors). */
export const kv = sqliteTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull().default(sql`(unixepoch() * 1000)`),
});
