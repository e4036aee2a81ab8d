/**
 * The inbound sync's wiring (buyer -> Telegram), kept out of app.ts: per shop, the Market side at `sync` priority,
 * the Telegram side behind the shared outbox, and the engine between them. Each shop's chats go where
 * `destinationFor` says (the /setup place, else TELEGRAM_CHAT_ID); a Telegram chat has one presence watch, shared
 * by the shops placed there. A shop with no place yet records nothing in Telegram until an owner runs /setup.
 */
import type { Api } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Logger } from './logger.js';
import { DEFAULT_BUYER_FILE_OPTIONS, fetchBuyerFile, type BuyerFileOptions } from './market/buyer-files.js';
import type { MarketClient } from './market/client.js';
import type { MarketLimits } from './market/limits.js';
import { hostsSeveral, type Shops } from './shops.js';
import { destinationFor } from './bridge/destination.js';
import { InboundSync, type InboundTarget, type SyncOptions } from './bridge/sync.js';
import type { GroupChatId } from './bridge/group.js';
import { TelegramInbound } from './telegram/inbound.js';
import { TelegramOutbox, type PacingOptions } from './telegram/outbox.js';
import { TelegramPresence } from './telegram/presence.js';
import { countPending } from './db/inbound.js';
import type { ChatTranslation } from './bridge/translation.js';
import { buyerTranslationLine } from './telegram/features/translate.js';
import { OrderCards, type OrderCardsOptions } from './bridge/orders.js';
import { TelegramOrderCards } from './telegram/order-cards.js';
import { AwayReplies, type AwayOptions } from './bridge/away.js';
import { DEFAULT_REMINDER_OPTIONS, Reminders, type ReminderOptions } from './bridge/reminders.js';
import { TelegramFeedbackReminders } from './telegram/feedback-posts.js';

export interface InboundOptions {
  sync?: Partial<SyncOptions>;
  /** Telegram pacing; tests and the benchmark lift it. */
  pacing?: Partial<PacingOptions>;
  files?: Partial<BuyerFileOptions>;
  /** After Telegram refused a topic, try again after this long. */
  topicRetryMs?: number;
  /** Show a backlog that would wait behind Telegram's pacing in combined posts (default true; the benchmark compares). */
  combineBacklog?: boolean;
  /** While the bot may not post in a chat, how often to ask Telegram whether it may again. */
  presenceProbeMs?: number;
  /** The order in the chat card: refresh interval, timer tick, batching delay, and a clock (tests). */
  orders?: Partial<OrderCardsOptions> & { now?: () => number };
  /** Reminders of waiting buyers (tests shorten the check interval). */
  reminders?: Partial<ReminderOptions>;
  /** AWAY_MESSAGE auto-replies (tests shorten the check interval, set a clock). */
  away?: Partial<AwayOptions> & { now?: () => number };
}

/** One shop's part of the inbound sync: its own engine, posting through the Telegram side of its current place. */
export interface ShopInbound {
  businessId: number;
  sync: InboundSync;
  /** The Telegram side of the shop's place now; undefined while the shop has no place. */
  readonly target: TelegramInbound | undefined;
  /** The Telegram chat the shop's buyer chats appear in now, if any. */
  where(): number | undefined;
  /** The order behind each of this shop's chat cards (its client and limits, background priority). */
  orders: OrderCards;
  /** Whether the bot may post where this shop's chats appear now (false while it has no place). */
  ready(): boolean;
  /** Called when posting there may go on again (the bot is back, or the shop got a place): show what waited. */
  onBack(fn: () => void): void;
  /** For push notifications: bring this chat of this shop up to date now. Never rejects. */
  syncChat(chatId: number, reason: string): Promise<void>;
}

export interface Inbound {
  /** The first shop's sync (a one-shop setup's only one). */
  sync: InboundSync;
  /** Every shop's part, by business id. */
  shops: ReadonlyMap<number, ShopInbound>;
  outbox: TelegramOutbox;
  /** Whether the bot may post where the first shop's buyer chats appear (throws while it has no place). */
  readonly presence: TelegramPresence;
  /** The Telegram chat the first shop's buyer chats appear in now (as placed; posts follow its upgrades), if any. */
  where(): number | undefined;
  /** A my_chat_member update about the bot: counts for the chat it is about, when buyer chats appear there. */
  memberChanged(tgChatId: number, member: ChatMember, chatTitle?: string): Promise<void>;
  /** /setup chose other places (or none): posting moves there, and a shop's sync starts once it has a place. */
  placeChanged(): Promise<void>;
  /** For push notifications: bring this chat of the first shop up to date now. Never rejects. */
  syncChat(chatId: number, reason: string): Promise<void>;
  start(): Promise<void>;
  stop(graceMs: number): Promise<void>;
  /** The first shop's order cards (a one-shop setup's only one). */
  orders: OrderCards;
  /** An order's status or delivery changed (a notification, which names no business): every shop's cards of it. */
  orderChanged(orderId: number): void;
  /** A group got a new id (an upgrade to a supergroup): ask Telegram what kind of chat it is now. */
  groupMoved(): Promise<void>;
}

/** A Telegram chat where buyer chats appear: whether the bot may post there, shared by the shops placed there. */
interface Place {
  tgChatId: number;
  presence: TelegramPresence;
  /** The Telegram sides of the shops placed here (the presence asks them about topics and tells them it is back). */
  sides: Set<TelegramInbound>;
  started: boolean;
}

export function createInbound(deps: {
  config: Config;
  db: Db;
  log: Logger;
  api: Api;
  /** Each shop's Market side (its client and limits): every shop gets its own sync. */
  shops: Shops;
  options?: InboundOptions;
  /** TELEGRAM_CHAT_ID followed through upgrades to a supergroup. */
  group: GroupChatId;
  /** Each shop's translation between buyer and seller, when TRANSLATE_PROVIDER is set. */
  translationFor?: (businessId: number) => ChatTranslation | undefined;
}): Inbound {
  const { config, db, log, api, shops, options, group } = deps;
  const outbox = new TelegramOutbox({ pacing: options?.pacing });
  const places = new Map<number, Place>();
  const parts = new Map<number, ShopPart>();
  let stopped = false;

  const placeFor = (tgChatId: number): Place => {
    const existing = places.get(tgChatId);
    if (existing) return existing;
    const sides = new Set<TelegramInbound>();
    const presence = new TelegramPresence({
      api,
      db,
      log,
      tgChatId,
      adminIds: [...config.telegram.adminIds],
      outbox,
      waiting: () => countPending(db),
      // The presence asks whether the chat is a forum: any side there knows (they share the chat).
      isForum: () => [...sides][0]?.isForum(),
      probeMs: options?.presenceProbeMs,
    });
    presence.onTopicRights(() => {
      for (const side of sides) side.topicsAllowedAgain();
    });
    presence.onBack(() => {
      for (const p of parts.values()) if (p.place === tgChatId) p.back();
    });
    const place: Place = { tgChatId, presence, sides, started: false };
    places.set(tgChatId, place);
    return place;
  };

  for (const shop of shops.all()) {
    parts.set(shop.businessId, new ShopPart({ ...deps, client: shop.client, limits: shop.limits, businessId: shop.businessId, name: shop.name, outbox, placeFor }));
  }
  const first = parts.values().next().value!;

  /** Starts what a shop's place needs (once per place), then the shop's sync (once), or shows what waited. */
  const startPart = async (p: ShopPart) => {
    if (p.side === undefined || p.place === undefined) return;
    await p.side.init();
    const place = placeFor(p.place);
    if (!place.started) {
      place.started = true;
      place.presence.start();
    }
    p.startSync();
  };
  /** Places nobody posts to any more stop watching. */
  const dropUnused = () => {
    for (const [id, place] of places) {
      if (![...parts.values()].some((p) => p.place === id)) {
        place.presence.stop();
        places.delete(id);
      }
    }
  };

  return {
    sync: first.sync,
    orders: first.orders,
    shops: parts,
    outbox,
    get presence(): TelegramPresence {
      if (first.place === undefined) throw new Error('buyer chats have no place in Telegram yet');
      return placeFor(first.place).presence;
    },
    where: () => first.where(),
    memberChanged: async (tgChatId, member, title) => {
      for (const place of places.values()) {
        if (tgChatId === place.tgChatId || tgChatId === group.resolve(place.tgChatId)) await place.presence.memberChanged(member, title);
      }
    },
    syncChat: (chatId, reason) => first.syncChat(chatId, reason),
    orderChanged: (orderId) => {
      for (const p of parts.values()) p.orders.orderChanged(orderId);
    },
    start: async () => {
      for (const p of parts.values()) await startPart(p);
      for (const p of parts.values()) p.orders.start();
      for (const p of parts.values()) p.reminders.start();
      for (const p of parts.values()) p.away.start();
    },
    placeChanged: async () => {
      if (stopped) return;
      for (const p of parts.values()) {
        if (p.replace()) await startPart(p);
      }
      dropUnused();
    },
    groupMoved: async () => {
      for (const p of parts.values()) await p.side?.init();
    },
    stop: async (graceMs) => {
      stopped = true;
      for (const place of places.values()) place.presence.stop();
      // First: a post waiting for a group's send window fails at once (its caller keeps it recorded for the next
      // start). Closed after the loops, a reminder or a card waiting behind a buyer backlog held the stop for as long
      // as the window took to drain, minutes with a backlog.
      outbox.close();
      await Promise.all([...parts.values()].map((p) => p.orders.stop(graceMs)));
      await Promise.all([...parts.values()].map((p) => p.reminders.stop()));
      await Promise.all([...parts.values()].map((p) => p.away.stop()));
      await Promise.all([...parts.values()].map((p) => p.sync.stop(graceMs)));
    },
  };
}

/** One shop's sync engine, and the Telegram side (topics, cards, posts) of wherever its chats appear now. */
class ShopPart implements ShopInbound {
  readonly businessId: number;
  readonly sync: InboundSync;
  readonly orders: OrderCards;
  /** Reminders of this shop's waiting buyers, posted where its chats appear now. */
  readonly reminders: Reminders;
  /** AWAY_MESSAGE to this shop's buyers writing outside working hours, through the shop's relay. */
  readonly away: AwayReplies;
  /** The order lines on this shop's cards, posted and edited wherever its chats appear now. */
  private readonly orderCards: TelegramOrderCards;
  /** The place (Telegram chat id, as placed or configured) the side was built for. */
  place: number | undefined;
  side: TelegramInbound | undefined;
  private syncStarted = false;
  private readonly backListeners: (() => void)[] = [];

  constructor(
    private readonly deps: {
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
      outbox: TelegramOutbox;
      placeFor: (tgChatId: number) => Place;
      translationFor?: (businessId: number) => ChatTranslation | undefined;
    },
  ) {
    const { config, db, client: market, limits, options, businessId } = deps;
    this.businessId = businessId;
    const log = deps.log.child({ businessId });
    // The sync posts through whichever side is current; without one nothing is ready, so nothing is posted.
    const target: InboundTarget = {
      postPending: (chat, pending) => this.current().postPending(chat, pending),
      update: (chat, change) => this.current().update(chat, change),
      ready: () => this.side?.ready() ?? false,
    };
    const part = this;
    this.orderCards = new TelegramOrderCards({
      api: deps.api,
      db,
      log,
      // Cards live where the shop's chats appear now (no place: none was posted, so none is edited).
      get tgChatId() {
        return part.where() ?? 0;
      },
      outbox: deps.outbox,
      businessId,
    });
    this.orders = new OrderCards({
      db,
      log,
      businessId,
      market: {
        getBusinessOrders: (body) => market.getBusinessOrders(body, {}, 'sync'),
        blockedUntil: () => limits.blockedUntil('getBusinessOrders', 'sync'),
      },
      target: this.orderCards,
      options: options?.orders,
      now: options?.orders?.now,
    });
    this.orderCards.core = this.orders;
    this.reminders = new Reminders({
      db,
      log,
      businessId,
      tgChatId: () => part.where() ?? 0,
      team: config.telegram.adminIds,
      // Posted through the Telegram side of the shop's place now (none while it has no place).
      target: {
        remind: async (marketChatId, waitedMs, mention) => part.side?.remind(marketChatId, waitedMs, mention),
        refreshTitle: async (marketChatId) => part.side?.refreshTitle(marketChatId),
      },
      // Reviews and questions that wait: a reply to their post (only while their desk runs).
      ...(config.feedbackPollMs > 0 ? { feedbackTarget: new TelegramFeedbackReminders({ api: deps.api, outbox: deps.outbox, log }) } : {}),
      options: {
        ...DEFAULT_REMINDER_OPTIONS,
        remindAfterMs: config.desk.remindAfterMs,
        workHours: config.desk.workHours,
        timeZone: config.timeZone,
        ...options?.reminders,
      },
    });
    this.away = new AwayReplies({
      db,
      log,
      businessId,
      tgChatId: () => part.where() ?? 0,
      relay: () => deps.shops.get(businessId)?.relay,
      target: { postAwayNote: async (marketChatId, text) => part.side?.postAwayNote(marketChatId, text) },
      options: {
        text: config.desk.awayMessage,
        workHours: config.desk.workHours,
        timeZone: config.timeZone,
        checkMs: DEFAULT_REMINDER_OPTIONS.checkMs,
        ...options?.away,
      },
      now: options?.away?.now,
    });
    // The Telegram side needs the order cards (and the translation below): built once they exist.
    this.replace();
    if (this.place === undefined) {
      log.info('buyer chats of this shop have no place in Telegram yet: an owner sends /setup in a group (or in private)');
    }
    const translation = deps.translationFor?.(businessId);
    this.sync = new InboundSync({
      db,
      businessId,
      log,
      target,
      options: { intervalMs: config.market.pollIntervalMs, ...options?.sync },
      // Buyer messages are translated for the Telegram chat they are shown in (its /translate setting).
      ...(translation
        ? {
            translate: (marketChatId: number, messages: Parameters<ChatTranslation['prepareBuyerMessages']>[2]) => {
              const here = this.where();
              return here === undefined ? Promise.resolve() : translation.prepareBuyerMessages(here, marketChatId, messages);
            },
          }
        : {}),
      market: {
        getChats: (body, query) => market.getChats(body, query, 'sync'),
        getChat: (chatId) => market.getChat(chatId, 'sync'),
        getChatHistory: (query, body) => market.getChatHistory(query, body, 'sync'),
        remaining: (op) => limits.remaining(op),
        blockedUntil: (op) => limits.blockedUntil(op, 'sync'),
      },
    });
  }

  get target(): TelegramInbound | undefined {
    return this.side;
  }

  where(): number | undefined {
    return this.place === undefined ? undefined : this.deps.group.resolve(this.place);
  }

  syncChat(chatId: number, reason: string): Promise<void> {
    // Without a place, a notification has nowhere to show what it brings: polling catches up once there is one.
    return this.side ? this.sync.syncChat(chatId, reason) : Promise.resolve();
  }

  /** Starts the sync the first time the shop has a place; later places show what waited meanwhile. */
  startSync(): void {
    if (!this.syncStarted) {
      this.syncStarted = true;
      this.sync.start();
    } else this.back();
  }

  ready(): boolean {
    return this.side?.ready() ?? false;
  }

  onBack(fn: () => void): void {
    this.backListeners.push(fn);
  }

  /** Posting may go on: the sync and every listener show what waited. */
  back(): void {
    this.sync.showPending();
    for (const fn of this.backListeners) fn();
  }

  /** Builds the Telegram side for where the shop's chats go now; true when that changed (and there is a place). */
  replace(): boolean {
    const { db, group, businessId } = this.deps;
    const next = destinationFor(db, group, businessId);
    if (next === this.place) return false;
    if (this.place !== undefined && this.side) this.deps.placeFor(this.place).sides.delete(this.side);
    this.place = next;
    this.side = next === undefined ? undefined : this.build(next);
    return this.side !== undefined;
  }

  private current(): TelegramInbound {
    if (!this.side) throw new Error('buyer chats of this shop have no place in Telegram yet');
    return this.side;
  }

  private build(placeId: number): TelegramInbound {
    const { config, db, api, options, group, outbox, businessId, shops, name } = this.deps;
    const log = this.deps.log.child({ businessId });
    const place = this.deps.placeFor(placeId);
    const fileOptions: BuyerFileOptions = {
      ...DEFAULT_BUYER_FILE_OPTIONS,
      market: { origin: config.market.apiUrl, apiKey: shops.get(businessId)?.apiKey ?? config.market.apiKey },
      ...options?.files,
    };
    const translation = this.deps.translationFor?.(businessId);
    const side = new TelegramInbound({
      api,
      db,
      log,
      businessId,
      // Read at every use, so posting follows the chat to its new id after an upgrade to a supergroup.
      get tgChatId() {
        return group.resolve(placeId);
      },
      get shopLabel() {
        return hostsSeveral(shops, db, group, group.resolve(placeId)) ? name : undefined;
      },
      outbox,
      fetchFile: (f) => fetchBuyerFile(f, fileOptions),
      topicRetryMs: options?.topicRetryMs,
      ...(options?.combineBacklog !== undefined ? { combine: options.combineBacklog } : {}),
      presence: place.presence,
      cardOrder: this.orderCards,
      ...(translation ? { translationOf: (m: Parameters<typeof buyerTranslationLine>[1]) => buyerTranslationLine(translation, m) } : {}),
    });
    place.sides.add(side);
    return side;
  }
}
