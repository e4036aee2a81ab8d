/**
 * The inbound sync's wiring (buyer -> Telegram), kept out of app.ts: the Market side at `sync` priority, the
 * Telegram side behind its outbox, and the engine between them. Off (undefined, one info line) without
 * TELEGRAM_CHAT_ID.
 */
import type { Api } from 'grammy';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Logger } from './logger.js';
import { DEFAULT_BUYER_FILE_OPTIONS, fetchBuyerFile, type BuyerFileOptions } from './market/buyer-files.js';
import type { MarketClient } from './market/client.js';
import type { MarketLimits } from './market/limits.js';
import { InboundSync, type SyncOptions } from './bridge/sync.js';
import type { GroupChatId } from './bridge/group.js';
import { TelegramInbound } from './telegram/inbound.js';
import { TelegramOutbox, type PacingOptions } from './telegram/outbox.js';
import { TelegramPresence } from './telegram/presence.js';
import { countPending } from './db/inbound.js';
import { OrderCards, type OrderCardsOptions } from './bridge/orders.js';
import { TelegramOrderCards } from './telegram/order-cards.js';

export interface InboundOptions {
  sync?: Partial<SyncOptions>;
  /** Telegram pacing; tests and the benchmark lift it. */
  pacing?: Partial<PacingOptions>;
  files?: Partial<BuyerFileOptions>;
  /** After Telegram refused a topic, try again after this long. */
  topicRetryMs?: number;
  /** While the bot may not post in TELEGRAM_CHAT_ID, how often to ask Telegram whether it may again. */
  presenceProbeMs?: number;
  /** The order in the chat card: refresh interval, timer tick, batching delay, and a clock (tests). */
  orders?: Partial<OrderCardsOptions> & { now?: () => number };
}

export interface Inbound {
  sync: InboundSync;
  outbox: TelegramOutbox;
  /** Whether the bot may post in TELEGRAM_CHAT_ID (my_chat_member updates go here). */
  presence: TelegramPresence;
  /** For push notifications: bring this chat up to date now. Never rejects. */
  syncChat(chatId: number, reason: string): Promise<void>;
  start(): Promise<void>;
  stop(graceMs: number): Promise<void>;
  /** The order behind each chat card (one shop: MARKET_BUSINESS_ID). */
  orders: OrderCards;
  /** The group got a new id (an upgrade to a supergroup): ask Telegram what kind of chat it is now. */
  groupMoved(): Promise<void>;
}

export function createInbound(deps: {
  config: Config;
  db: Db;
  log: Logger;
  api: Api;
  market: MarketClient;
  limits: MarketLimits;
  options?: InboundOptions;
  /** The group's current id; without it TELEGRAM_CHAT_ID as configured. */
  group?: GroupChatId;
}): Inbound | undefined {
  const { config, db, log, api, market, limits, options, group } = deps;
  const tgChatId = config.telegram.chatId;
  if (tgChatId === undefined) {
    log.info('TELEGRAM_CHAT_ID is not set: buyer messages are not brought into Telegram (/link and replies still work)');
    return undefined;
  }
  const outbox = new TelegramOutbox({ pacing: options?.pacing });
  const fileOptions: BuyerFileOptions = {
    ...DEFAULT_BUYER_FILE_OPTIONS,
    market: { origin: config.market.apiUrl, apiKey: config.market.apiKey },
    ...options?.files,
  };
  // The presence asks the Telegram side whether the chat is a forum, and the Telegram side asks it whether to post.
  let forum: () => boolean | undefined = () => undefined;
  const presence = new TelegramPresence({
    api,
    db,
    log,
    tgChatId,
    adminIds: [...config.telegram.adminIds],
    outbox,
    waiting: () => countPending(db),
    isForum: () => forum(),
    probeMs: options?.presenceProbeMs,
  });
  // The order in the chat card: one instance per shop, on that shop's client and limits, at background priority.
  const businessId = config.market.businessId;
  const orderCards = new TelegramOrderCards({
    api,
    db,
    log,
    get tgChatId() {
      return group?.current() ?? tgChatId;
    },
    outbox,
    businessId,
  });
  const orders = new OrderCards({
    db,
    log,
    businessId,
    market: {
      getBusinessOrders: (body) => market.getBusinessOrders(body, {}, 'sync'),
      blockedUntil: () => limits.blockedUntil('getBusinessOrders', 'sync'),
    },
    target: orderCards,
    options: options?.orders,
    now: options?.orders?.now,
  });
  orderCards.core = orders;
  const target = new TelegramInbound({
    api,
    db,
    log,
    // Read at every use, so posting follows the group to its new id after an upgrade to a supergroup.
    get tgChatId() {
      return group?.current() ?? tgChatId;
    },
    outbox,
    fetchFile: (f) => fetchBuyerFile(f, fileOptions),
    topicRetryMs: options?.topicRetryMs,
    presence,
    cardOrder: orderCards,
  });
  forum = () => target.isForum();
  presence.onTopicRights(() => target.topicsAllowedAgain());
  const sync = new InboundSync({
    db,
    log,
    target,
    options: { intervalMs: config.market.pollIntervalMs, ...options?.sync },
    market: {
      getChats: (body, query) => market.getChats(body, query, 'sync'),
      getChat: (chatId) => market.getChat(chatId, 'sync'),
      getChatHistory: (query, body) => market.getChatHistory(query, body, 'sync'),
      remaining: (op) => limits.remaining(op),
      blockedUntil: (op) => limits.blockedUntil(op, 'sync'),
    },
  });
  presence.onBack(() => sync.showPending());
  return {
    sync,
    outbox,
    presence,
    orders,
    syncChat: (chatId, reason) => sync.syncChat(chatId, reason),
    start: async () => {
      await target.init();
      presence.start();
      sync.start();
      orders.start();
    },
    groupMoved: () => target.init(),
    stop: async (graceMs) => {
      presence.stop();
      await orders.stop(graceMs);
      outbox.close();
      await sync.stop(graceMs);
    },
  };
}
