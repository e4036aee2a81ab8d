/**
 * The bridge's tables. Timestamps are Unix milliseconds. Telegram and Market ids fit in a JS number
 * (Telegram ids use at most 52 bits; Market ids are checked with Number.isSafeInteger where they enter).
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { LANGUAGES } from '../languages.js';

/** A forum topic linked to a Market chat: every authorised message in the topic goes to that chat. */
export const threads = sqliteTable(
  'threads',
  {
    tgChatId: integer('tg_chat_id').notNull(),
    tgThreadId: integer('tg_thread_id').notNull(),
    /** The shop (Market business) the chat belongs to: a Market chat id is unique only within its business. */
    businessId: integer('business_id').notNull().default(0),
    marketChatId: integer('market_chat_id').notNull(),
    /** Telegram user who linked it; null when the sync created the topic. */
    linkedBy: integer('linked_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tgChatId, t.tgThreadId] }),
    // One home thread per Market chat per Telegram chat: the sync and /link must agree on where a chat lives.
    uniqueIndex('threads_market_chat').on(t.tgChatId, t.businessId, t.marketChatId),
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
    /** The shop (Market business) the chat belongs to: a Market chat id is unique only within its business. */
    businessId: integer('business_id').notNull().default(0),
    marketChatId: integer('market_chat_id').notNull(),
    kind: text('kind', { enum: ['link_card', 'chat_card', 'buyer', 'echo', 'seller'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tgChatId, t.tgMessageId] }),
    index('anchors_market_chat').on(t.businessId, t.marketChatId),
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
    /** The shop (Market business) the chat belongs to: a Market chat id is unique only within its business. */
    businessId: integer('business_id').notNull().default(0),
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
    index('relays_market_chat').on(t.businessId, t.marketChatId, t.state),
    // The newest Market message id the chat's relays know is asked before every send: without this, a walk over
    // every relay the chat ever had (the benchmark's 2,000 per chat slowed each send down as they grew).
    index('relays_market_message').on(t.businessId, t.marketChatId, t.marketMessageId),
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
    /** The shop (Market business) the chat belongs to: a Market chat id is unique only within its business. */
    businessId: integer('business_id').notNull().default(0),
    marketChatId: integer('market_chat_id').notNull(),
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
  (t) => [primaryKey({ columns: [t.businessId, t.marketChatId] }), index('market_chats_status').on(t.status)],
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
    /** The shop (Market business) the chat belongs to: a Market chat id is unique only within its business. */
    businessId: integer('business_id').notNull().default(0),
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
    primaryKey({ columns: [t.businessId, t.marketChatId, t.marketMessageId] }),
    index('inbound_messages_state').on(t.state, t.businessId, t.marketChatId),
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

/**
 * The team beyond the owners (TELEGRAM_ADMIN_IDS): people an owner added with /team add. Members may write to
 * buyers and use the desk; only owners change the team and where shops' chats appear. Read on every check, so a
 * change takes effect at once.
 */
export const teamMembers = sqliteTable('team_members', {
  userId: integer('user_id').primaryKey(),
  /** The name Telegram showed when they were added ("Boris (@boris)"); null when added by id alone. */
  name: text('name'),
  addedBy: integer('added_by').notNull(),
  addedAt: integer('added_at').notNull(),
});

/**
 * Where a shop's buyer chats appear, as chosen with /setup. A shop without a row goes to TELEGRAM_CHAT_ID (when
 * set). Keyed by business: each shop has one place; a chat may host several shops.
 */
export const shopPlaces = sqliteTable(
  'shop_places',
  {
    businessId: integer('business_id').primaryKey(),
    tgChatId: integer('tg_chat_id').notNull(),
    placedBy: integer('placed_by').notNull(),
    placedAt: integer('placed_at').notNull(),
  },
  (t) => [index('shop_places_chat').on(t.tgChatId)],
);

/**
 * The bot's language per Telegram chat: chosen there with /language (`chosen`), or, in a private chat with no
 * choice, the user's Telegram language as last seen (`telegram`), so a notice sent there later speaks it too.
 * A Telegram chat, not a Market id: no business column.
 */
export const chatLanguages = sqliteTable('chat_languages', {
  tgChatId: integer('tg_chat_id').primaryKey(),
  language: text('language', { enum: LANGUAGES }).notNull(),
  source: text('source', { enum: ['chosen', 'telegram'] }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Translation between buyer and seller, switched on per Telegram chat with `/translate <lang> [auto]`: the team's
 * language there, and whether a seller's message in it is sent translated without a preview.
 */
export const chatTranslation = sqliteTable('chat_translation', {
  tgChatId: integer('tg_chat_id').primaryKey(),
  /** ISO 639-1 code, lower case (`zh`, `en`). */
  lang: text('lang').notNull(),
  auto: integer('auto', { mode: 'boolean' }).notNull().default(false),
  setBy: integer('set_by'),
  updatedAt: integer('updated_at').notNull(),
});

export type ChatTranslationRow = typeof chatTranslation.$inferSelect;

export const PREVIEW_STATES = ['previewed', 'failed', 'sent', 'cancelled'] as const;
export type PreviewState = (typeof PREVIEW_STATES)[number];

/**
 * A seller's message in the team's language, translated for the buyer: the preview the team decides on (send the
 * translation, send the original, cancel), or, in auto mode, what was sent. One row per seller message (the same
 * key as the relay ledger), so a redelivered update never makes a second preview; a button acts only while the row
 * is `previewed` or `failed`, so pressing twice, or after a restart, sends at most once.
 */
export const translationPreviews = sqliteTable(
  'translation_previews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    businessId: integer('business_id').notNull(),
    tgChatId: integer('tg_chat_id').notNull(),
    tgMessageId: integer('tg_message_id').notNull(),
    tgThreadId: integer('tg_thread_id'),
    tgUserId: integer('tg_user_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    original: text('original').notNull(),
    /** Exactly what "send translation" sends; null when the translation failed. */
    translation: text('translation'),
    sourceLang: text('source_lang'),
    targetLang: text('target_lang').notNull(),
    state: text('state', { enum: PREVIEW_STATES }).notNull(),
    /** What went to the relay ledger: `translation` or `original`. */
    sent: text('sent', { enum: ['translation', 'original'] }),
    /** Why the translation failed (kind and the provider's technical line). */
    error: text('error'),
    /** The bot's preview (or, in auto mode, the "sent in …" note); null until Telegram took it. */
    previewMessageId: integer('preview_message_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('translation_previews_message').on(t.tgChatId, t.tgMessageId)],
);

export type TranslationPreviewRow = typeof translationPreviews.$inferSelect;

/**
 * The translation shown under a buyer message, made once before its first part is posted and kept, so a restart
 * posts the same parts. `text` null: the message was already in the team's language, or the translation failed
 * (`failed` says why; the original is posted with a short note).
 */
export const buyerTranslations = sqliteTable(
  'buyer_translations',
  {
    businessId: integer('business_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    marketMessageId: integer('market_message_id').notNull(),
    /** The buyer's own message (not Market's or support's): its language is the one replies are translated into. */
    fromBuyer: integer('from_buyer', { mode: 'boolean' }).notNull(),
    targetLang: text('target_lang').notNull(),
    detectedLang: text('detected_lang').notNull(),
    text: text('text'),
    failed: text('failed'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.marketChatId, t.marketMessageId] })],
);

export type BuyerTranslationRow = typeof buyerTranslations.$inferSelect;

/**
 * The order behind a chat card (bridge/orders.ts): one row per (business, Market chat) whose context is an order or
 * a return. `view` is what Market last said about the order, as the card shows it; `shownFingerprint` what the card
 * in Telegram shows now, so the card is edited only when something shown changed. `refreshedAt` drives the
 * at-most-every-30-minutes refresh from stored times (it survives a restart); `due` is set by an
 * ORDER_STATUS_UPDATED notification and asks for a read now.
 */
export const orderCards = sqliteTable(
  'order_cards',
  {
    businessId: integer('business_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    orderId: integer('order_id').notNull(),
    /** The chat's createdAt (Unix ms, Market's clock): the order was placed before it (a dates window for old orders). */
    chatCreatedAt: integer('chat_created_at'),
    view: text('view', { mode: 'json' }).$type<unknown>(),
    shownFingerprint: text('shown_fingerprint'),
    refreshedAt: integer('refreshed_at'),
    due: integer('due', { mode: 'boolean' }).notNull().default(false),
    /** Reply-chain mode (no topic, so no topic card): the bot's order card message in TELEGRAM_CHAT_ID. */
    replyCardMessageId: integer('reply_card_message_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.marketChatId] }), index('order_cards_order').on(t.businessId, t.orderId)],
);

export type OrderCardRow = typeof orderCards.$inferSelect;

// ---- Reviews and product questions (issue 12) ----

export const FEEDBACK_KINDS = ['review', 'question', 'comment'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
/**
 * pending: to be posted; posting: handed to Telegram (still set after a crash: it may be there already); posted;
 * skipped / answered: the review or question needs nothing more; inline: a comment that was already there when its
 * review was first posted, shown inside that post.
 */
export const FEEDBACK_POST_STATES = ['pending', 'posting', 'posted', 'skipped', 'answered', 'inline'] as const;
export type FeedbackPostState = (typeof FEEDBACK_POST_STATES)[number];

/**
 * What the bridge posted (or is about to post) in Telegram for a review, a product question, or a buyer's comment on a
 * review: one row per Market item, written before the post, so a restart never posts it twice. A reply to the post
 * (`tg_chat_id`, `tg_message_id`) answers the item.
 */
export const feedbackPosts = sqliteTable(
  'feedback_posts',
  {
    businessId: integer('business_id').notNull(),
    kind: text('kind', { enum: FEEDBACK_KINDS }).notNull(),
    /** feedbackId, questionId, or the comment's id. */
    targetId: integer('target_id').notNull(),
    /** For a comment: the review it belongs to. */
    parentId: integer('parent_id'),
    /** What is shown, as read from Market (JSON of the DTO), so a post after a restart needs no second read. */
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: FEEDBACK_POST_STATES }).notNull(),
    tgChatId: integer('tg_chat_id'),
    tgMessageId: integer('tg_message_id'),
    tgThreadId: integer('tg_thread_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.kind, t.targetId] }),
    uniqueIndex('feedback_posts_tg').on(t.tgChatId, t.tgMessageId),
    index('feedback_posts_state').on(t.state),
  ],
);

export type FeedbackPostRow = typeof feedbackPosts.$inferSelect;

export const FEEDBACK_ANSWER_STATES = ['pending', 'sending', 'delivered', 'refused', 'failed', 'uncertain'] as const;
export type FeedbackAnswerState = (typeof FEEDBACK_ANSWER_STATES)[number];

/**
 * The ledger of the seller's answers to reviews and questions, like `relays` for chats: written before any request,
 * unique per Telegram message, so a redelivered update or a restart never posts an answer twice.
 */
export const feedbackAnswers = sqliteTable(
  'feedback_answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    businessId: integer('business_id').notNull(),
    /** review: a comment on feedback `targetId` (`parentCommentId`: a reply to that comment); question: an answer. */
    kind: text('kind', { enum: ['review', 'question'] }).notNull(),
    targetId: integer('target_id').notNull(),
    parentCommentId: integer('parent_comment_id'),
    tgChatId: integer('tg_chat_id').notNull(),
    tgMessageId: integer('tg_message_id').notNull(),
    tgThreadId: integer('tg_thread_id'),
    tgUserId: integer('tg_user_id').notNull(),
    text: text('text').notNull(),
    state: text('state', { enum: FEEDBACK_ANSWER_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Start of the latest attempt; a check of the comments waits until Market can no longer be working on it. */
    attemptStartedAt: integer('attempt_started_at'),
    /** The comment or answer id Market gave it (or the one found when checking). */
    marketEntityId: integer('market_entity_id'),
    httpStatus: integer('http_status'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** When the seller was shown the outcome; null on a final row: shown at the next start. */
    echoedAt: integer('echoed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('feedback_answers_tg').on(t.tgChatId, t.tgMessageId),
    index('feedback_answers_target').on(t.businessId, t.kind, t.targetId),
    index('feedback_answers_state').on(t.state),
  ],
);

export type FeedbackAnswerRow = typeof feedbackAnswers.$inferSelect;


/**
 * The shop's answer templates (issue 11): kept per shop (business), so every topic and chat of that shop offers the
 * same ones. Names are stored in lower case, one per shop. `text` may hold {buyer}, {order}, {shop}, {date}.
 */
export const templates = sqliteTable(
  'templates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    businessId: integer('business_id').notNull(),
    name: text('name').notNull(),
    text: text('text').notNull(),
    createdBy: integer('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('templates_name').on(t.businessId, t.name)],
);

export type TemplateRow = typeof templates.$inferSelect;

export const TEMPLATE_PREVIEW_STATES = ['previewed', 'sent', 'cancelled'] as const;
export type TemplatePreviewState = (typeof TEMPLATE_PREVIEW_STATES)[number];

/**
 * A template filled for one Market chat and shown with Send / Cancel. `text` is exactly what Send relays (so a press
 * after a restart, or on another day, sends what the team saw); `missing` lists the variables the chat has no value
 * for (Send is refused while it is set). Send moves the row out of `previewed` once, in the same transaction as the
 * relay ledger row keyed by the preview message, so a double press or a redelivered press sends at most once.
 */
export const templatePreviews = sqliteTable('template_previews', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  businessId: integer('business_id').notNull(),
  templateName: text('template_name').notNull(),
  tgChatId: integer('tg_chat_id').notNull(),
  tgThreadId: integer('tg_thread_id'),
  marketChatId: integer('market_chat_id').notNull(),
  text: text('text').notNull(),
  /** Comma-separated variable names without a value (null: none). */
  missing: text('missing'),
  state: text('state', { enum: TEMPLATE_PREVIEW_STATES }).notNull(),
  /** The bot's preview message (the relay's key once sent); null until Telegram took it. */
  previewMessageId: integer('preview_message_id'),
  requestedBy: integer('requested_by').notNull(),
  decidedBy: integer('decided_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type TemplatePreviewRow = typeof templatePreviews.$inferSelect;


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

/**
 * AWAY_MESSAGE auto-replies (issue 11): which chat got it in which non-working stretch (keyed by the stretch's
 * next opening, Unix ms), written in the same transaction as the relay row, so a restart never sends it twice.
 */
export const awayReplies = sqliteTable(
  'away_replies',
  {
    businessId: integer('business_id').notNull(),
    marketChatId: integer('market_chat_id').notNull(),
    stretch: integer('stretch').notNull(),
    tgChatId: integer('tg_chat_id').notNull(),
    tgMessageId: integer('tg_message_id').notNull(),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.marketChatId, t.stretch] })],
);
