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
    /**
     * The chat's newest Market message id the bridge knew when the latest attempt started, plus one (null: none
     * known). Reconciliation reads the history from here (messageIdFrom): Market's own ids order its messages, so
     * no timestamp of Market's is ever compared with one of ours.
     */
    historyFromId: integer('history_from_id'),
    /** For a file row: when Market took the file. Its caption (if any) is what the row is about from then on. */
    fileSentAt: integer('file_sent_at'),
    /** When the whole relay (a file row: file and caption) reached Market. */
    deliveredAt: integer('delivered_at'),
    /**
     * The message in Market's history this relay became, once the inbound sync has seen it there. Set at most once
     * per history message, so two identical texts are matched to two relays and a cabinet message is not hidden.
     */
    marketMessageId: integer('market_message_id'),
    /** The bot's message that says the relay is waiting, edited when it resolves. */
    noticeMessageId: integer('notice_message_id'),
    /** What that message says is under way: a wait (⏳) or a "Send again" the seller pressed on the question. */
    noticeKind: text('notice_kind', { enum: ['waiting', 'question'] }),
    editNoticeSent: integer('edit_notice_sent', { mode: 'boolean' }).notNull().default(false),
    /**
     * When the seller was shown the outcome (👍, the failure reply, the question). Null on a final row means a crash
     * came between the outcome and the echo: the next start shows it.
     */
    echoedAt: integer('echoed_at'),
    /**
     * Telegram got the outcome's reply but its answer never came (5xx, dropped connection): it may be showing. The
     * next try is marked as a possible repeat instead of posting the same ❌/❓ again silently.
     */
    echoUnsure: integer('echo_unsure', { mode: 'boolean' }).notNull().default(false),
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

/**
 * Market chats the inbound sync knows: what Market last said about each (status, type, context, buyer) and how far
 * the sync got. `marketUpdatedAt` is the cursor the chat list is compared with; `lastMessageId` the history cursor.
 * The topic columns say what the chat's Telegram home currently shows, so a change costs one call, not one per scan.
 */
export const marketChats = sqliteTable(
  'market_chats',
  {
    marketChatId: integer('market_chat_id').primaryKey(),
    /** ChatType (CHAT, ARBITRAGE) as Market sent it; unknown values are kept, not refused. */
    type: text('type').notNull(),
    status: text('status').notNull(),
    contextType: text('context_type').notNull(),
    orderId: integer('order_id'),
    returnId: integer('return_id'),
    customerName: text('customer_name'),
    /** Market's createdAt as sent (ISO 8601 with Market's offset), shown on the chat card. */
    marketCreatedAt: text('market_created_at'),
    /** Market's updatedAt (Unix ms) as of the last completed sync; a listing with a later one means "look again". */
    marketUpdatedAt: integer('market_updated_at'),
    /** Highest history message recorded; the next history read starts after it. Null: never read. */
    lastMessageId: integer('last_message_id'),
    /**
     * Messages created at or before this (Unix ms, Market's clock) are history the seller is not shown: chats that
     * existed before the bridge first ran only show what is new (see bridge/sync.ts, first start).
     */
    shownFrom: integer('shown_from'),
    /** How many older messages were left out because of shownFrom (the card says so). */
    skippedMessages: integer('skipped_messages').notNull().default(0),
    /** The forum topic's current title as the bridge set it (null: no topic). */
    topicTitle: text('topic_title'),
    topicClosed: integer('topic_closed', { mode: 'boolean' }).notNull().default(false),
    /** The chat card in the current topic; null until it is posted (again after a topic is recreated). */
    cardMessageId: integer('card_message_id'),
    /**
     * The status the thread last reflected (title marks, closed on finishing). Changes are shown against this, not
     * against the previous sync, so a change Telegram refused is shown on the next attempt instead of lost.
     */
    shownStatus: text('shown_status'),
    /** Dispute state the thread has been told about, so a repeated notification does not repeat the flag. */
    dispute: text('dispute', { enum: ['open', 'closed'] }),
    /**
     * Market's timestamps may be whole seconds, so a message written in the same second as the last one read leaves
     * updatedAt unchanged. While set, an unchanged updatedAt still means "read again": cleared by a read that started
     * at or after this time (ours, a second after the listing that first showed marketUpdatedAt).
     */
    marketUpdatedRecheckAfter: integer('market_updated_recheck_after'),
    /**
     * A history read cut short (maxHistoryPages): where the next pass continues, and the highest id read so far.
     * Messages above lastMessageId stay unposted until the read ends, since pages come in no promised order.
     */
    historyResume: text('history_resume', { mode: 'json' }).$type<{ pageToken: string; maxId: number }>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('market_chats_status').on(t.status)],
);

export type MarketChatRow = typeof marketChats.$inferSelect;

export const INBOUND_STATES = ['pending', 'delivered', 'own'] as const;
export type InboundState = (typeof INBOUND_STATES)[number];

/**
 * Every history message the sync recorded, keyed by (Market chat, message id) so nothing is posted twice.
 * `pending` rows are posted to Telegram (also after a restart); `own` rows are the bridge's own relays, already in
 * the thread as the seller's message. A message is posted in parts (text chunks, files); `partsSent` lets a restart
 * continue where it stopped instead of repeating parts.
 */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    marketChatId: integer('market_chat_id').notNull(),
    marketMessageId: integer('market_message_id').notNull(),
    /** ChatMessageSenderType: CUSTOMER, PARTNER, MARKET, SUPPORT (unknown values kept). */
    sender: text('sender').notNull(),
    /** Market's createdAt, Unix ms. */
    createdAt: integer('created_at').notNull(),
    text: text('text'),
    /** The message's files as JSON `[{name, url, size}]`. */
    files: text('files'),
    state: text('state', { enum: INBOUND_STATES }).notNull(),
    /** For `own`: the relay this message is. */
    relayId: integer('relay_id'),
    partsSent: integer('parts_sent').notNull().default(0),
    /**
     * The part being handed to Telegram, cleared once it is recorded. Still set after a crash: Telegram may have
     * taken that part, so it is posted again marked as a possible repeat (Telegram has no idempotency key).
     */
    partInFlight: integer('part_in_flight'),
    /** Where the first part landed in Telegram. */
    tgChatId: integer('tg_chat_id'),
    tgMessageId: integer('tg_message_id'),
    recordedAt: integer('recorded_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    primaryKey({ columns: [t.marketChatId, t.marketMessageId] }),
    index('inbound_messages_state').on(t.state, t.marketChatId),
    // "Is this relay matched already?" is asked for every PARTNER message the sync reads.
    index('inbound_messages_relay').on(t.relayId),
  ],
);

export type InboundMessageRow = typeof inboundMessages.$inferSelect;

export const INBOX_STATES = ['pending', 'done', 'failed'] as const;
export type InboxState = (typeof INBOX_STATES)[number];

/**
 * Telegram updates as they arrived, stored before Telegram is told they did (the next getUpdates offset, or the
 * webhook's 200), and handled from here: per chat key in arrival order (`id`), with bounded retries. `done` rows
 * keep only their update_id for a while, so an update Telegram delivers twice is handled once; `failed` rows keep
 * the update and the reason the seller was told. Both are pruned.
 */
export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    updateId: integer('update_id').notNull(),
    /** What must be handled in order: the chat, and the forum topic inside it ("-100123:45", "-100123", "777"). */
    chatKey: text('chat_key').notNull(),
    /** The update as Telegram sent it (JSON); null once it is done. */
    update: text('update'),
    state: text('state', { enum: INBOX_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Do not try before this time (backoff after a failure); null = at once. */
    notBefore: integer('not_before'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('inbox_update').on(t.updateId),
    index('inbox_pending').on(t.state, t.chatKey, t.id),
  ],
);

export type InboxRow = typeof inbox.$inferSelect;

/** Who on the team took a Market chat ("I'll take it" on its card); the row is deleted on "Release". */
export const chatTakes = sqliteTable(
  'chat_takes',
  {
    businessId: integer('business_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    tgUserId: integer('tg_user_id').notNull(),
    /** How the teammate is shown (first name, or @username), as Telegram said when they pressed. */
    tgUserName: text('tg_user_name').notNull(),
    takenAt: integer('taken_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.marketChatId] })],
);

/** Team members seen writing in a Telegram chat: reminders mention them when nobody took the chat. */
export const teamWriters = sqliteTable(
  'team_writers',
  {
    tgChatId: integer('tg_chat_id').notNull(),
    tgUserId: integer('tg_user_id').notNull(),
    name: text('name').notNull(),
    username: text('username'),
    lastWroteAt: integer('last_wrote_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tgChatId, t.tgUserId] })],
);

/**
 * The reminders of a chat's current wait: `waitSince` names the wait (the buyer message that began it), so a new wait
 * starts over. Kept while ⏰ shows in the topic's title, deleted once the title is clean after the shop replied.
 */
export const chatReminders = sqliteTable(
  'chat_reminders',
  {
    businessId: integer('business_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    waitSince: integer('wait_since').notNull(),
    count: integer('count').notNull().default(0),
    lastAt: integer('last_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.marketChatId] })],
);
