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
import { DEFAULT_REMINDER_OPTIONS, Reminders, type ReminderOptions } from './bridge/reminders.js';

export interface InboundOptions {
  sync?: Partial<SyncOptions>;
  /** Telegram pacing; tests and the benchmark lift it. */
  pacing?: Partial<PacingOptions>;
  files?: Partial<BuyerFileOptions>;
  /** After Telegram refused a topic, try again after this long. */
  topicRetryMs?: number;
  /** While the bot may not post in TELEGRAM_CHAT_ID, how often to ask Telegram whether it may again. */
  presenceProbeMs?: number;
  /** Reminders of waiting buyers (tests shorten the check interval). */
  reminders?: Partial<ReminderOptions>;
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
  // One per shop: the lead passes each shop's business id (and config.timeZone as timeZone) at merge.
  const reminders = new Reminders({
    db,
    log,
    businessId: config.market.businessId,
    tgChatId: () => group?.current() ?? tgChatId,
    team: config.telegram.adminIds,
    target,
    options: {
      ...DEFAULT_REMINDER_OPTIONS,
      remindAfterMs: config.desk.remindAfterMs,
      workHours: config.desk.workHours,
      ...options?.reminders,
    },
  });
  return {
    sync,
    outbox,
    presence,
    syncChat: (chatId, reason) => sync.syncChat(chatId, reason),
    start: async () => {
      await target.init();
      presence.start();
      sync.start();
      reminders.start();
    },
    groupMoved: () => target.init(),
    stop: async (graceMs) => {
      presence.stop();
      await reminders.stop();
      outbox.close();
      await sync.stop(graceMs);
    },
  };
}
