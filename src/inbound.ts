/**
 * The inbound sync's wiring (buyer -> Telegram), kept out of app.ts: the Market side at `sync` priority, the
 * Telegram side behind its outbox, and the engine between them. Off (undefined, one info line) without
 * TELEGRAM_CHAT_ID.
 */
import type { Api } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Logger } from './logger.js';
import { DEFAULT_BUYER_FILE_OPTIONS, fetchBuyerFile, type BuyerFileOptions } from './market/buyer-files.js';
import type { MarketClient } from './market/client.js';
import type { MarketLimits } from './market/limits.js';
import { InboundSync, type InboundTarget, type SyncOptions } from './bridge/sync.js';
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

export interface Inbound {
  sync: InboundSync;
  outbox: TelegramOutbox;
  /** Whether the bot may post where buyer chats appear (throws while they have no place). */
  readonly presence: TelegramPresence;
  /** The Telegram chat buyer chats appear in now (as placed; the posts follow its upgrades), if any. */
  where(): number | undefined;
  /** A my_chat_member update about the bot: counts when it is about where buyer chats appear. */
  memberChanged(tgChatId: number, member: ChatMember, chatTitle?: string): Promise<void>;
  /** /setup chose another place (or none): posting moves there, and the sync starts if it had nowhere to post. */
  placeChanged(): Promise<void>;
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
  /**
   * Where the shop's buyer chats appear now (bridge/destination.ts: the /setup place, else TELEGRAM_CHAT_ID), read
   * at start and whenever placeChanged() is called; undefined = nowhere yet. Default TELEGRAM_CHAT_ID.
   */
  destination?: () => number | undefined;
}): Inbound | undefined {
  const { config, db, log, api, market, limits, options, group } = deps;
  const destination = deps.destination ?? (() => config.telegram.chatId);
  if (deps.destination === undefined && config.telegram.chatId === undefined) {
    log.info('TELEGRAM_CHAT_ID is not set: buyer messages are not brought into Telegram (/link and replies still work)');
    return undefined;
  }
  const outbox = new TelegramOutbox({ pacing: options?.pacing });
  const fileOptions: BuyerFileOptions = {
    ...DEFAULT_BUYER_FILE_OPTIONS,
    market: { origin: config.market.apiUrl, apiKey: config.market.apiKey },
    ...options?.files,
  };
  let sync: InboundSync | undefined;
  /** The Telegram side for one chat: where posts go, and whether the bot may post there. */
  interface Side {
    tgChatId: number;
    target: TelegramInbound;
    presence: TelegramPresence;
  }
  const build = (tgChatId: number): Side => {
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
        return group?.resolve(tgChatId) ?? tgChatId;
      },
      outbox,
      fetchFile: (f) => fetchBuyerFile(f, fileOptions),
      topicRetryMs: options?.topicRetryMs,
      presence,
    });
    forum = () => target.isForum();
    presence.onTopicRights(() => target.topicsAllowedAgain());
    presence.onBack(() => sync?.showPending());
    return { tgChatId, target, presence };
  };
  let side: Side | undefined;
  const first = destination();
  if (first !== undefined) side = build(first);
  else log.info('buyer chats have no place in Telegram yet: an owner sends /setup in a group (or in private) to choose one');
  // The sync posts through whichever side is current; without one nothing is ready, so nothing is posted.
  const target: InboundTarget = {
    post: (chat, m) => current().target.post(chat, m),
    update: (chat, change) => current().target.update(chat, change),
    ready: () => side?.target.ready() ?? false,
  };
  const current = (): Side => {
    if (!side) throw new Error('buyer chats have no place in Telegram yet');
    return side;
  };
  sync = new InboundSync({
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
  const theSync = sync;
  let started = false;
  let stopped = false;
  const startSide = async (s: Side) => {
    await s.target.init();
    s.presence.start();
    if (!started) {
      started = true;
      theSync.start();
    } else theSync.showPending();
  };
  return {
    sync: theSync,
    outbox,
    get presence(): TelegramPresence {
      return current().presence;
    },
    where: () => side?.tgChatId,
    memberChanged: async (tgChatId, member, title) => {
      const s = side;
      if (s && (tgChatId === s.tgChatId || tgChatId === group?.resolve(s.tgChatId))) await s.presence.memberChanged(member, title);
    },
    // Without a place, a notification has nowhere to show what it brings: polling catches up once there is one.
    syncChat: (chatId, reason) => (side ? theSync.syncChat(chatId, reason) : Promise.resolve()),
    start: async () => {
      if (side) await startSide(side);
    },
    placeChanged: async () => {
      const next = destination();
      if (stopped || next === side?.tgChatId) return;
      side?.presence.stop();
      side = next === undefined ? undefined : build(next);
      log.info({ tgChatId: next }, next === undefined ? 'buyer chats have no place in Telegram now' : 'buyer chats appear in a new place');
      if (side) await startSide(side);
    },
    groupMoved: async () => {
      await side?.target.init();
    },
    stop: async (graceMs) => {
      stopped = true;
      side?.presence.stop();
      outbox.close();
      await theSync.stop(graceMs);
    },
  };
}
