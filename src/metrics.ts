/**
 * What the bridge is doing, for an operator: Prometheus metrics (prom-client) and what /healthz reports. Counted
 * from the outside of the core: the relay's echo is wrapped (outcomes, latency), a grammY API transformer sees
 * every Telegram call, the Market client reports each answer's method and status, and queue depths and quotas
 * are read from their owners when scraped. No label or value carries a secret or message text: labels are
 * method names, statuses and outcomes only.
 */
import { and, count, eq, inArray, isNotNull, min } from 'drizzle-orm';
import type { Transformer } from 'grammy';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from './db/open.js';
import { inboundMessages, relays } from './db/schema.js';
import type { MarketError } from './market/errors.js';
import { HOURLY_QUOTAS, type MarketLimits, type OperationId } from './market/limits.js';
import type { RelayEcho, WaitReason } from './bridge/relay.js';
import type { RelayRow } from './db/schema.js';

/** Telegram unreachable for longer than this makes /healthz answer 503. */
export const TELEGRAM_DOWN_AFTER_MS = 60_000;

/** Relays not yet resolved: recorded, waiting for their turn, a limit, or Market's answer. */
const UNSENT_STATES = ['pending', 'sending'] as const;

/** Telegram methods that show something in a chat, counted by method. */
const TELEGRAM_SENDS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'copyMessage']);

/** Reachability as last seen: the latest answer, and since when calls have been failing (undefined = not failing). */
export interface Reach {
  lastOkAt: number | undefined;
  failingSince: number | undefined;
}

/** A shop as the metrics see it: its business, its name and its limits (quotas, requests in flight). */
export interface MetricShop {
  businessId: number;
  name: string;
  limits: MarketLimits;
}

/** Market's reachability for one shop (each key is refused or accepted on its own). */
export type MarketReach = Reach & { keyRefusedAt: number | undefined };

/** What the metrics read at scrape time; set once the parts exist (see attach). */
export interface MetricSources {
  db: Db;
  shops: readonly MetricShop[];
  relayQueuedChats(): number;
  /** Telegram chats with buyer messages waiting in the outbox (undefined without the inbound sync). */
  outboxChats?(): number | undefined;
}

export interface QueueDepths {
  /** Market chats with seller replies queued in the relay. */
  relayChats: number;
  /** Seller replies recorded and not yet resolved (sent, refused, or asked about). */
  unsentReplies: number;
  /** null when no reply is unsent. */
  oldestUnsentReplyAgeSeconds: number | null;
  /** Buyer messages recorded and not yet posted in Telegram. */
  buyerMessagesWaiting: number;
  marketRequestsInFlight: number;
}

export class BridgeMetrics {
  readonly registry = new Registry();
  readonly startedAt: number;
  readonly telegram: Reach = { lastOkAt: undefined, failingSince: undefined };
  /** Per business: one shop's refused key or outage is not hidden by another shop's answers. */
  readonly market = new Map<number, MarketReach>();
  /** What the calls that find the keys' businesses at start saw; each shop found starts from it (see attach). */
  private readonly atStart: MarketReach = { lastOkAt: undefined, failingSince: undefined, keyRefusedAt: undefined };
  private sources: MetricSources | undefined;
  private readonly now: () => number;
  /** Relays whose outcome was counted: a shown-again outcome (after a Telegram failure or a restart) counts once. */
  private readonly counted = new Set<number>();

  private readonly replies: Counter<'outcome'>;
  private readonly waits: Counter<'reason'>;
  private readonly relayLatency: Histogram;
  private readonly marketRequests: Counter<'method' | 'status' | 'business'>;
  private readonly market420: Counter<'method' | 'business'>;
  private readonly telegramRequests: Counter<'method' | 'outcome'>;
  private readonly telegram429: Counter<'method'>;

  /** Telegram failing for longer than this makes /healthz answer 503. */
  readonly telegramDownAfterMs: number;

  constructor(opts: { now?: () => number; defaultMetrics?: boolean; telegramDownAfterMs?: number } = {}) {
    this.now = opts.now ?? Date.now;
    this.telegramDownAfterMs = opts.telegramDownAfterMs ?? TELEGRAM_DOWN_AFTER_MS;
    this.startedAt = this.now();
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'market_bridge_' });
    this.replies = new Counter({
      name: 'market_bridge_replies_total',
      help: 'Seller replies by outcome: delivered (Market accepted), failed (not delivered, seller told why), uncertain (seller asked to decide)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['delivered', 'failed', 'uncertain']) this.replies.inc({ outcome }, 0);
    this.waits = new Counter({
      name: 'market_bridge_reply_waits_total',
      help: 'Seller replies told they wait (for a Market limit or a retry), by reason',
      labelNames: ['reason'],
      registers,
    });
    this.relayLatency = new Histogram({
      name: 'market_bridge_relay_latency_seconds',
      help: 'From a seller reply being recorded to Market accepting it',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
      registers,
    });
    this.marketRequests = new Counter({
      name: 'market_bridge_market_requests_total',
      help: 'Requests to the Market Partner API by method, HTTP status (network = no answer) and business (unknown: finding a key’s business at start)',
      labelNames: ['method', 'status', 'business'],
      registers,
    });
    this.market420 = new Counter({
      name: 'market_bridge_market_420_total',
      help: 'Market answers 420 (rate limited) by method and business',
      labelNames: ['method', 'business'],
      registers,
    });
    this.telegramRequests = new Counter({
      name: 'market_bridge_telegram_requests_total',
      help: 'Telegram Bot API calls that post in a chat, by method and outcome (ok, error, network); each attempt counts',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.telegram429 = new Counter({
      name: 'market_bridge_telegram_429_total',
      help: 'Telegram answers 429 (too many requests) by method, before auto-retry waits them out',
      labelNames: ['method'],
      registers,
    });
    const self = this;
    new Counter({
      name: 'market_bridge_buyer_messages_shown_total',
      help: 'Buyer messages posted in Telegram (kept in the database, so the count survives restarts)',
      registers,
      collect() {
        const n = self.buyerMessagesShown();
        if (n === undefined) return;
        this.reset();
        this.inc(n);
      },
    });
    new Gauge({
      name: 'market_bridge_market_quota_remaining',
      help: "Calls left in the method's hourly Market quota of each business, as far as the bridge knows",
      labelNames: ['method', 'business'],
      registers,
      collect() {
        for (const shop of self.sources?.shops ?? []) {
          const business = String(shop.businessId);
          for (const op of Object.keys(HOURLY_QUOTAS) as OperationId[]) this.set({ method: op, business }, shop.limits.remaining(op));
        }
      },
    });
    new Gauge({
      name: 'market_bridge_queue_depth',
      help: 'Work waiting: relay_chats (Market chats with replies queued), unsent_replies, buyer_messages (not yet in Telegram), outbox_chats, market_in_flight',
      labelNames: ['queue'],
      registers,
      collect() {
        const q = self.queues();
        if (!q) return;
        this.set({ queue: 'relay_chats' }, q.relayChats);
        this.set({ queue: 'unsent_replies' }, q.unsentReplies);
        this.set({ queue: 'buyer_messages' }, q.buyerMessagesWaiting);
        this.set({ queue: 'market_in_flight' }, q.marketRequestsInFlight);
        const outbox = self.sources?.outboxChats?.();
        if (outbox !== undefined) this.set({ queue: 'outbox_chats' }, outbox);
      },
    });
    new Gauge({
      name: 'market_bridge_oldest_unsent_reply_age_seconds',
      help: 'Age of the oldest seller reply not yet resolved (0 when there is none)',
      registers,
      collect() {
        const q = self.queues();
        if (q) this.set(q.oldestUnsentReplyAgeSeconds ?? 0);
      },
    });
    new Gauge({
      name: 'market_bridge_up_seconds',
      help: 'Seconds since this process started the bridge',
      registers,
      collect() {
        this.set((self.now() - self.startedAt) / 1000);
      },
    });
  }

  /** Gives the scrape-time readers their sources (called once the database, limits and relay exist). */
  attach(sources: MetricSources): void {
    this.sources = sources;
    for (const shop of sources.shops) if (!this.market.has(shop.businessId)) this.market.set(shop.businessId, { ...this.atStart });
  }

  /** Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Queue depths now, or undefined before attach or once the database is closed. */
  queues(): QueueDepths | undefined {
    const s = this.sources;
    if (!s) return undefined;
    try {
      const unsent = s.db
        .select({ n: count(), oldest: min(relays.createdAt) })
        .from(relays)
        .where(inArray(relays.state, [...UNSENT_STATES]))
        .get();
      const waiting = s.db.select({ n: count() }).from(inboundMessages).where(eq(inboundMessages.state, 'pending')).get();
      return {
        relayChats: s.relayQueuedChats(),
        unsentReplies: unsent?.n ?? 0,
        oldestUnsentReplyAgeSeconds:
          unsent?.oldest === null || unsent?.oldest === undefined
            ? null
            : Math.max(0, Math.round((this.now() - unsent.oldest) / 1000)),
        buyerMessagesWaiting: waiting?.n ?? 0,
        marketRequestsInFlight: s.shops.reduce((n, shop) => n + shop.limits.inFlightNow, 0),
      };
    } catch {
      return undefined;
    }
  }

  private buyerMessagesShown(): number | undefined {
    const s = this.sources;
    if (!s) return undefined;
    try {
      return (
        s.db
          .select({ n: count() })
          .from(inboundMessages)
          .where(and(eq(inboundMessages.state, 'delivered'), isNotNull(inboundMessages.tgMessageId)))
          .get()?.n ?? 0
      );
    } catch {
      return undefined;
    }
  }

  /** Wraps the relay's echo: each outcome counted once per relay, delivery latency from recording to Market's yes. */
  wrapEcho(echo: RelayEcho): RelayEcho {
    const first = (r: RelayRow): boolean => {
      if (this.counted.has(r.id)) return false;
      this.counted.add(r.id);
      // Bounded: only recent relays can be shown again; old ids fall out first (a Set iterates in insertion order).
      if (this.counted.size > 10_000) this.counted.delete(this.counted.values().next().value!);
      return true;
    };
    return {
      delivered: (r) => {
        if (first(r)) {
          this.replies.inc({ outcome: 'delivered' });
          this.relayLatency.observe(Math.max(0, (r.deliveredAt ?? this.now()) - r.createdAt) / 1000);
        }
        return echo.delivered(r);
      },
      waiting: (r, until: number, why: WaitReason) => {
        this.waits.inc({ reason: why });
        return echo.waiting(r, until, why);
      },
      failed: (r, err: MarketError) => {
        if (first(r)) this.replies.inc({ outcome: 'failed' });
        return echo.failed(r, err);
      },
      uncertain: (r, err: MarketError | undefined) => {
        if (first(r)) this.replies.inc({ outcome: 'uncertain' });
        return echo.uncertain(r, err);
      },
    };
  }

  /**
   * For the Market client: one call per answer (or `network` when none came). `businessId` undefined: a key's
   * business is not known yet (the calls at start that find it): every shop found then starts from what they saw.
   */
  marketAnswer(method: string, status: number | 'network', businessId?: number): void {
    const now = this.now();
    const business = businessId === undefined ? 'unknown' : String(businessId);
    this.marketRequests.inc({ method, status: String(status), business });
    if (status === 420) this.market420.inc({ method, business });
    const reach = businessId === undefined ? this.atStart : this.marketOf(businessId);
    if (status === 'network' || (typeof status === 'number' && status >= 500)) {
      reach.failingSince ??= now;
      return;
    }
    reach.lastOkAt = now;
    reach.failingSince = undefined;
    if (status === 401 || status === 403) reach.keyRefusedAt = now;
    else if (status >= 200 && status < 300) reach.keyRefusedAt = undefined;
  }

  /** One shop's reach (created on first use, so every shop shows once attached). */
  marketOf(businessId: number): MarketReach {
    let reach = this.market.get(businessId);
    if (!reach) {
      reach = { lastOkAt: undefined, failingSince: undefined, keyRefusedAt: undefined };
      this.market.set(businessId, reach);
    }
    return reach;
  }

  /** The shops known to the metrics, in the order they were found (empty before attach). */
  shops(): readonly MetricShop[] {
    return this.sources?.shops ?? [];
  }

  /**
   * A grammY API transformer, installed inside auto-retry so it sees every attempt: counts posts and 429s and
   * keeps Telegram's reachability. A 401 (token revoked) counts as unreachable: the bot cannot work either way.
   */
  telegramTransformer(): Transformer {
    return async (prev, method, payload, signal) => {
      try {
        const res = await prev(method, payload, signal);
        const now = this.now();
        if (res.ok || (res.error_code !== 401 && res.error_code < 500)) {
          this.telegram.lastOkAt = now;
          this.telegram.failingSince = undefined;
        } else {
          this.telegram.failingSince ??= now;
        }
        if (!res.ok && res.error_code === 429) this.telegram429.inc({ method });
        if (TELEGRAM_SENDS.has(method)) this.telegramRequests.inc({ method, outcome: res.ok ? 'ok' : 'error' });
        return res;
      } catch (err) {
        // A long poll cut short by stop() is not Telegram being down.
        if (!signal?.aborted) this.telegram.failingSince ??= this.now();
        if (TELEGRAM_SENDS.has(method)) this.telegramRequests.inc({ method, outcome: 'network' });
        throw err;
      }
    };
  }
}
