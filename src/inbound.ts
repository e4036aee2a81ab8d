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
import { destinationFor, hostsSeveral, type Shops } from './shops.js';
import { InboundSync, type SyncOptions } from './bridge/sync.js';
import type { GroupChatId } from './bridge/group.js';
import { TelegramInbound } from './telegram/inbound.js';
import { TelegramOutbox, type PacingOptions } from './telegram/outbox.js';
import { TelegramPresence } from './telegram/presence.js';
import { countPending } from './db/inbound.js';

export interface InboundOptions {
  sync?: Partial<SyncOptions>;
  /** Telegram pacing; tests and the benchmark lift it. */
  pacing?: Partial<PacingOptions>;
  files?: Partial<BuyerFileOptions>;
  /** After Telegram refused a topic, try again after this long. */
  topicRetryMs?: number;
  /** While the bot may not post in TELEGRAM_CHAT_ID, how often to ask Telegram whether it may again. */
  presenceProbeMs?: number;
}

/** One shop's part of the inbound sync: its own engine and Telegram side, the outbox and presence shared. */
export interface ShopInbound {
  businessId: number;
  sync: InboundSync;
  target: TelegramInbound;
  /** For push notifications: bring this chat of this shop up to date now. Never rejects. */
  syncChat(chatId: number, reason: string): Promise<void>;
}

export interface Inbound {
  /** The first shop's sync (a one-shop setup's only one). */
  sync: InboundSync;
  /** Every shop's part, by business id. */
  shops: ReadonlyMap<number, ShopInbound>;
  outbox: TelegramOutbox;
  /** Whether the bot may post in TELEGRAM_CHAT_ID (my_chat_member updates go here). */
  presence: TelegramPresence;
  /** For push notifications: bring this chat of the first shop up to date now. Never rejects. */
  syncChat(chatId: number, reason: string): Promise<void>;
  start(): Promise<void>;
  stop(graceMs: number): Promise<void>;
  /** The group got a new id (an upgrade to a supergroup): ask Telegram what kind of chat it is now. */
  groupMoved(): Promise<void>;
}

export function createInbound(deps: {
  config: Config;
  db: Db;
  log: Logger;
  api: Api;
  /** Each shop's Market side (its client and limits): every shop gets its own sync. */
  shops: Shops;
  options?: InboundOptions;
  /** The group's current id; without it TELEGRAM_CHAT_ID as configured. */
  group: GroupChatId;
}): Inbound | undefined {
  const { config, db, log, api, shops, options, group } = deps;
  const tgChatId = config.telegram.chatId;
  // Without it there is nowhere to post; app.ts says so before the start-up checks.
  if (tgChatId === undefined) return undefined;
  const outbox = new TelegramOutbox({ pacing: options?.pacing });
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
  const parts = new Map<number, ShopInbound>();
  for (const shop of shops.all()) {
    parts.set(shop.businessId, createShopInbound({ ...deps, client: shop.client, limits: shop.limits, businessId: shop.businessId, name: shop.name, presence, outbox, tgChatId }));
  }
  const first = parts.values().next().value!;
  forum = () => first.target.isForum();
  presence.onTopicRights(() => {
    for (const p of parts.values()) p.target.topicsAllowedAgain();
  });
  presence.onBack(() => {
    for (const p of parts.values()) p.sync.showPending();
  });
  return {
    sync: first.sync,
    shops: parts,
    outbox,
    presence,
    syncChat: (chatId, reason) => first.syncChat(chatId, reason),
    start: async () => {
      for (const p of parts.values()) await p.target.init();
      presence.start();
      for (const p of parts.values()) p.sync.start();
    },
    groupMoved: async () => {
      for (const p of parts.values()) await p.target.init();
    },
    stop: async (graceMs) => {
      presence.stop();
      outbox.close();
      await Promise.all([...parts.values()].map((p) => p.sync.stop(graceMs)));
    },
  };
}

/** One shop's sync engine and Telegram side (topics, cards, posts), at `sync` priority on that shop's limits. */
function createShopInbound(deps: {
  config: Config;
  db: Db;
  log: Logger;
  api: Api;
  client: MarketClient;
  limits: MarketLimits;
  businessId: number;
  name: string;
  shops: Shops;
  options?: InboundOptions;
  group: GroupChatId;
  presence: TelegramPresence;
  outbox: TelegramOutbox;
  tgChatId: number;
}): ShopInbound {
  const { config, db, api, client: market, limits, options, group, presence, outbox, businessId, shops } = deps;
  const log = deps.log.child({ businessId });
  const fileOptions: BuyerFileOptions = {
    ...DEFAULT_BUYER_FILE_OPTIONS,
    market: { origin: config.market.apiUrl, apiKey: shops.get(businessId)?.apiKey ?? config.market.apiKey },
    ...options?.files,
  };
  const target = new TelegramInbound({
    api,
    db,
    log,
    businessId,
    // Read at every use, so posting follows the group to its new id after an upgrade to a supergroup.
    get tgChatId() {
      return destinationFor(businessId, group) ?? deps.tgChatId;
    },
    get shopLabel() {
      const here = destinationFor(businessId, group) ?? deps.tgChatId;
      return hostsSeveral(shops, here, group) ? deps.name : undefined;
    },
    outbox,
    fetchFile: (f) => fetchBuyerFile(f, fileOptions),
    topicRetryMs: options?.topicRetryMs,
    presence,
  });
  const sync = new InboundSync({
    db,
    businessId,
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
  return { businessId, sync, target, syncChat: (chatId, reason) => sync.syncChat(chatId, reason) };
}
