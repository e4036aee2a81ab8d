/**
 * The order behind a chat card: for a Market chat whose context is an order (or a return, which carries its order),
 * the card shows the order's items, status, delivery, tracking and a link to it in the cabinet, read with
 * getBusinessOrders and kept current. One instance per shop (business): its id, its client and its limits.
 *
 *   card posted (telegram/inbound.ts) -> section(chat): what the card shows now, from the database; a read is queued
 *   ORDER_STATUS_UPDATED (notifications.ts) -> orderChanged(orderId): its cards are marked due, a read is queued
 *   every tickMs -> cards of open chats not read for refreshMs (30 min), from stored times (survives a restart)
 *
 *   a read: one getBusinessOrders call for up to 50 orders at `sync` priority (MarketLimits serves a seller's reply
 *   first; a 420 pauses this method only), one read at a time -> the view stored -> each card whose shown
 *   fingerprint differs is edited (target.show); an unchanged card costs no Telegram call.
 *
 * Decisions where the issue is silent:
 * - The key's scopes come from the start-up check (POST /v2/auth/token, not called again). Until they are known
 *   nothing is read. Without an order scope, the first topic card posted says once per shop (kv, across restarts)
 *   which scope to add, and the log says it at every start; the other cards show what they show today. Reply-chain
 *   mode has no card to carry it, so nothing extra is posted there. A 403 on a read means the scope was taken away:
 *   reads stop until the next start.
 * - An order Market does not return (a test order, or older than its 30-day default window) is asked again with
 *   `fake: true`, then in up to three 30-day windows going back from the day after the chat began (a return chat
 *   may start long after its order); still missing, the card says Market did not return it, and it is asked again
 *   at the next 30-minute refresh.
 * - FINISHED chats are not refreshed by the timer (a notification still refreshes their card).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/open.js';
import {
  dueOrderIds,
  getOrderCard,
  markOrderDue,
  orderCardsOf,
  setShownFingerprint,
  storeOrderView,
  trackOrderCard,
  type OrderCardRow,
} from '../db/order-cards.js';
import { getKv, setKv } from '../db/kv.js';
import type { Logger } from '../logger.js';
import { MarketError } from '../market/errors.js';
import { QuotaExhausted } from '../market/limits.js';
import type { BusinessOrder, BusinessOrdersPage, GetBusinessOrdersBody } from '../market/types.js';

/** ApiKeyScopeType values that let a key call getBusinessOrders (its x-auth-scopes in the spec). */
export const ORDER_SCOPES = [
  'ALL_METHODS',
  'ALL_METHODS_READ_ONLY',
  'INVENTORY_AND_ORDER_PROCESSING',
  'INVENTORY_AND_ORDER_PROCESSING_READ_ONLY',
  'FINANCE_AND_ACCOUNTING',
] as const;

/** getBusinessOrders takes at most 50 orderIds, and a page holds at most 50 orders. */
const BATCH = 50;
const DAY_MS = 24 * 60 * 60_000;

/** The order as a card shows it: flat facts, in Market's own values (words are the Telegram side's). */
export interface OrderView {
  orderId: number;
  campaignId: number;
  status: string;
  substatus: string | null;
  fake: boolean;
  items: { name: string; count: number; price: Money | null }[];
  total: Money | null;
  delivery: {
    type: string | null;
    service: string | null;
    fromDate: string | null;
    toDate: string | null;
    fromTime: string | null;
    toTime: string | null;
    deliveredOn: string | null;
  };
  tracks: string[];
  /** The order's page in the seller cabinet. */
  link: string;
}

export interface Money {
  value: number;
  currency: string;
}

/** What a chat card shows about its order. */
export type OrderSection =
  | { kind: 'order'; view: OrderView }
  /** Market did not return the order. */
  | { kind: 'missing'; orderId: number }
  /** The key has no order scope: said on one card (`tell`), nothing on the others. */
  | { kind: 'noScope'; tell: boolean }
  /** Not read yet (or cannot be now): the card shows nothing about the order. */
  | { kind: 'none' };

/** The chat a card is about, as the inbound sync stores it (db/inbound.ts MarketChatRow fits). */
export interface OrderChat {
  marketChatId: number;
  contextType: string;
  orderId: number | null;
  marketCreatedAt: string | null;
}

/** What the orders core needs from Market (MarketClient and MarketLimits fit it). */
export interface OrdersMarket {
  getBusinessOrders(body: GetBusinessOrdersBody): Promise<BusinessOrdersPage>;
  /** When getBusinessOrders may be called again at background priority, or undefined if now. */
  blockedUntil(): number | undefined;
}

/** The Telegram side (telegram/order-cards.ts). */
export interface OrderCardTarget {
  /**
   * Shows `section` on the chat's card (edits it; in reply-chain mode posts the order card first). Returns false
   * when there is no card to show it on yet (it will carry the section when it is posted). Throws when Telegram
   * did not take it.
   */
  show(marketChatId: number, section: OrderSection): Promise<boolean>;
}

export interface OrderCardsOptions {
  /** A card of an open chat is read again at most this often (and at least, while the budget allows). */
  refreshMs: number;
  /** How often the stored times are looked at. */
  tickMs: number;
  /** Queued reads wait this long so several cards go in one call. */
  batchDelayMs: number;
  /** After a read that got no answer (timeout, network, 5xx), it is tried again this soon. */
  retryMs: number;
}

export const DEFAULT_ORDER_CARDS_OPTIONS: OrderCardsOptions = {
  refreshMs: 30 * 60_000,
  tickMs: 60_000,
  batchDelayMs: 200,
  retryMs: 15_000,
};

/** The cabinet's order page (the form the cabinet itself uses; the API docs give none). */
export function cabinetOrderLink(campaignId: number, orderId: number): string {
  return `https://partner.market.yandex.ru/supplier/${campaignId}/orders/${orderId}`;
}

export class OrderCards {
  private readonly opts: OrderCardsOptions;
  private readonly now: () => number;
  private scopes: 'unknown' | 'yes' | 'no' = 'unknown';
  private timer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly noScopeKey: string;
  /** A card saying "no order scope" was handed out this run (it is recorded as told once posted). */
  private telling = false;

  constructor(
    private readonly deps: {
      db: Db;
      log: Logger;
      businessId: number;
      market: OrdersMarket;
      target: OrderCardTarget;
      options?: Partial<OrderCardsOptions>;
      now?: () => number;
    },
  ) {
    this.opts = { ...DEFAULT_ORDER_CARDS_OPTIONS, ...deps.options };
    this.now = deps.now ?? Date.now;
    this.noScopeKey = `orders.noScopeTold.${deps.businessId}`;
  }

  /** The key's scopes (from the start-up check). Without an order scope nothing is read. */
  setScopes(scopes: readonly string[]): void {
    const has = scopes.some((s) => (ORDER_SCOPES as readonly string[]).includes(s));
    this.scopes = has ? 'yes' : 'no';
    if (has) this.kick();
    this.deps.log[has ? 'info' : 'warn'](
      { businessId: this.deps.businessId, orderScope: has },
      has
        ? 'order cards: the Api-Key may read orders'
        : 'order cards: MARKET_API_KEY has no order scope, so chat cards show no order; add "inventory-and-order-processing" (or its read-only form) to the key in the Market cabinet',
    );
  }

  get canRead(): boolean {
    return this.scopes === 'yes';
  }

  /** The key is known to lack an order scope. */
  get scopeMissing(): boolean {
    return this.scopes === 'no';
  }

  /**
   * What a card about to be posted for `chat` shows about its order (from the database, never waiting for Market),
   * recording the chat; a read is queued when the stored order is stale. Undefined: the chat is not about an order.
   */
  section(chat: OrderChat): OrderSection | undefined {
    if (chat.orderId === null || (chat.contextType !== 'ORDER' && chat.contextType !== 'RETURN')) return undefined;
    const began = chat.marketCreatedAt !== null ? Date.parse(chat.marketCreatedAt) : NaN;
    const row = trackOrderCard(
      this.deps.db,
      {
        businessId: this.deps.businessId,
        marketChatId: chat.marketChatId,
        orderId: chat.orderId,
        chatCreatedAt: Number.isFinite(began) ? began : null,
      },
      this.now(),
    );
    // Recorded as told once a card showing it is posted (shown()), so a card Telegram refused does not use it up.
    if (this.scopes === 'no') {
      const tell = !this.telling && getKv(this.deps.db, this.noScopeKey) === undefined;
      if (tell) this.telling = true; // one card at a time carries it, also while it is on its way
      return { kind: 'noScope', tell };
    }
    if (row.refreshedAt === null || row.refreshedAt <= this.now() - this.opts.refreshMs) this.kick();
    return sectionOf(row);
  }

  /**
   * The card now shows `section` (posted with it). A read that ended while the card was on its way to Telegram
   * found no card to edit: the card is brought up to date now.
   */
  shown(marketChatId: number, section: OrderSection): void {
    const fp = fingerprint(section);
    setShownFingerprint(this.deps.db, this.deps.businessId, marketChatId, fp, this.now());
    if (section.kind === 'noScope' && section.tell) setKv(this.deps.db, this.noScopeKey, String(this.now()), this.now());
    const row = getOrderCard(this.deps.db, this.deps.businessId, marketChatId);
    if (row && this.scopes === 'yes' && fingerprint(sectionOf(row)) !== fp) {
      void this.showChanged([row.orderId]).catch((err: unknown) =>
        this.deps.log.warn({ marketChatId, err: describeErr(err) }, 'order cards: the card could not be updated'),
      );
    }
  }

  /** ORDER_STATUS_UPDATED (or another order notification): its cards are read soon. Unknown orders cost nothing. */
  orderChanged(orderId: number): void {
    if (markOrderDue(this.deps.db, this.deps.businessId, orderId, this.now()) > 0) this.kick();
  }

  start(): void {
    this.timer = setInterval(() => this.kick(0), this.opts.tickMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops the timer; a read in flight is awaited for at most `graceMs`. */
  async stop(graceMs = 0): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.kickTimer);
    clearTimeout(this.retryTimer);
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Runs the due reads now (tests), resolving when they are done. */
  async refreshNow(): Promise<void> {
    clearTimeout(this.kickTimer);
    this.kickTimer = undefined;
    await this.runReads();
  }

  private retryTimer: NodeJS.Timeout | undefined;
  private retrySoon(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick(0);
    }, this.opts.retryMs);
    this.retryTimer.unref();
  }

  /** Queues a read pass after `delayMs` (several kicks in that time make one pass). */
  private kick(delayMs = this.opts.batchDelayMs): void {
    if (this.stopped || this.scopes !== 'yes' || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      void this.runReads();
    }, delayMs);
    this.kickTimer.unref();
  }

  /** One pass at a time; a pass asked for while one runs follows it. */
  private runReads(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.deps.log.error({ err }, 'order cards: a refresh failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Reads every due order, 50 a call, until none is due or Market asks to wait. */
  private async pass(): Promise<void> {
    const { db, businessId, log } = this.deps;
    for (let rounds = 0; rounds < 20 && !this.stopped && this.scopes === 'yes'; rounds++) {
      if (this.deps.market.blockedUntil() !== undefined) return;
      const ids = dueOrderIds(db, businessId, this.now() - this.opts.refreshMs, BATCH);
      if (ids.length === 0) return;
      const startedAt = this.now();
      let found: Map<number, BusinessOrder>;
      try {
        found = await this.read(ids);
      } catch (err) {
        if (err instanceof MarketError && err.status === 403) {
          log.warn({ businessId, code: err.code }, 'order cards: Market refused getBusinessOrders (403): the Api-Key lost its order scope');
          this.scopes = 'no';
          return;
        }
        // A 420, a quota or a network problem: the orders stay due and are read at a later tick.
        const quiet = err instanceof QuotaExhausted || (err instanceof MarketError && err.status === 420);
        log[quiet ? 'info' : 'warn']({ err: describeErr(err), orders: ids.length }, 'order cards: orders not read now; trying later');
        // A lost answer is tried again soon (a 420 or a used-up quota waits for Market's window instead).
        if (!quiet) this.retrySoon();
        return;
      }
      for (const orderId of ids) {
        const order = found.get(orderId);
        storeOrderView(db, businessId, orderId, order ? toView(order) : { missing: orderId }, startedAt, this.now());
      }
      await this.showChanged(ids);
    }
  }

  /** getBusinessOrders for `ids`; those Market leaves out are asked once more (test orders, older than 30 days). */
  private async read(ids: number[]): Promise<Map<number, BusinessOrder>> {
    const found = new Map<number, BusinessOrder>();
    const take = (page: BusinessOrdersPage) => {
      for (const o of page.orders) if (ids.includes(o.orderId)) found.set(o.orderId, o);
    };
    take(await this.deps.market.getBusinessOrders({ orderIds: ids }));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    take(await this.deps.market.getBusinessOrders({ orderIds: missing, fake: true }));
    // Older orders: 30-day windows going back from the day after the chat began (the order came before its chat),
    // three of them (90 days), grouped by that day so chats of one day share the calls.
    const byEnd = new Map<number, number[]>();
    for (const r of orderCardsOf(this.deps.db, this.deps.businessId, missing)) {
      if (r.chatCreatedAt === null || found.has(r.orderId)) continue;
      const end = Date.parse(`${isoDate(r.chatCreatedAt + DAY_MS)}T00:00:00Z`);
      byEnd.set(end, [...new Set([...(byEnd.get(end) ?? []), r.orderId])]);
    }
    for (const [end, orderIds] of [...byEnd].slice(0, 3)) {
      for (let k = 0; k < 3; k++) {
        const still = orderIds.filter((id) => !found.has(id));
        if (still.length === 0) break;
        const to = end - k * 30 * DAY_MS;
        const dates = { creationDateFrom: isoDate(to - 30 * DAY_MS), creationDateTo: isoDate(to) };
        take(await this.deps.market.getBusinessOrders({ orderIds: still, dates }));
      }
    }
    return found;
  }

  /** Edits the cards of these orders whose shown fingerprint differs from what they should show now. */
  private async showChanged(orderIds: number[]): Promise<void> {
    const { db, businessId, log } = this.deps;
    for (const row of orderCardsOf(db, businessId, orderIds)) {
      if (this.stopped) return;
      const section = sectionOf(row);
      const fp = fingerprint(section);
      if (fp === row.shownFingerprint) continue;
      try {
        if (await this.deps.target.show(row.marketChatId, section)) {
          setShownFingerprint(db, businessId, row.marketChatId, fp, this.now());
        }
      } catch (err) {
        log.warn({ marketChatId: row.marketChatId, err: describeErr(err) }, 'order cards: the card could not be updated');
      }
    }
  }

  /** For tests and /status: the card row of a chat. */
  card(marketChatId: number): OrderCardRow | undefined {
    return getOrderCard(this.deps.db, this.deps.businessId, marketChatId);
  }
}

function sectionOf(row: OrderCardRow): OrderSection {
  const v = row.view as (OrderView | { missing: number }) | null;
  if (v === null || v === undefined) return { kind: 'none' };
  if ('missing' in v) return { kind: 'missing', orderId: row.orderId };
  return { kind: 'order', view: v };
}

/** What is shown, hashed: a card is edited only when this changes. Nothing shown is null. */
export function fingerprint(section: OrderSection): string | null {
  if (section.kind === 'none' || (section.kind === 'noScope' && !section.tell)) return null;
  return createHash('sha256').update(JSON.stringify(section)).digest('hex').slice(0, 32);
}

function money(m: { value: number; currencyId: string } | null | undefined): Money | null {
  return m ? { value: m.value, currency: m.currencyId } : null;
}

export function toView(o: BusinessOrder): OrderView {
  const d = o.delivery ?? undefined;
  const dates = d?.dates ?? undefined;
  return {
    orderId: o.orderId,
    campaignId: o.campaignId,
    status: o.status,
    substatus: o.substatus ?? null,
    fake: o.fake === true,
    items: o.items.map((i) => ({
      name: i.offerName ?? i.offerId ?? '?',
      count: i.count,
      price: money(i.prices?.payment),
    })),
    total: money(o.prices?.payment),
    delivery: {
      type: d?.type ?? null,
      service: d?.serviceName ?? null,
      fromDate: dates?.fromDate ?? null,
      toDate: dates?.toDate && dates.toDate !== dates.fromDate ? dates.toDate : null,
      fromTime: hhmm(dates?.fromTime),
      toTime: hhmm(dates?.toTime),
      deliveredOn: dates?.realDeliveryDate ?? null,
    },
    tracks: [...new Set((d?.tracks ?? []).map((t) => t.trackCode).filter((c): c is string => !!c))],
    link: cabinetOrderLink(o.campaignId, o.orderId),
  };
}

/** The docs say HH:MM; the spec says `format: time` (HH:MM:SS with an offset): the card shows HH:MM. */
function hhmm(t: string | null | undefined): string | null {
  const m = t ? /^(\d{1,2}):(\d{2})/.exec(t) : null;
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : null;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function describeErr(err: unknown): string {
  if (err instanceof MarketError) return `${err.kind} ${err.status ?? ''} ${err.code ?? ''}`.trim();
  return err instanceof Error ? err.message : String(err);
}
