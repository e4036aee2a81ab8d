/**
 * The Telegram side of the order in the chat card (bridge/orders.ts): the card's order lines in the seller's words,
 * and showing them. In topic mode the order is part of the topic's first post (the chat card), edited when it
 * changes. In reply-chain mode there is no topic card, so the order gets its own card message in the chain (with the
 * chat's header; replying to it answers that buyer), posted once and then edited.
 */
import { GrammyError, type Api } from 'grammy';
import type { Db } from '../db/open.js';
import { addAnchor, chatThread } from '../db/links.js';
import { getMarketChat, shownIn, type MarketChatRow } from '../db/inbound.js';
import { setReplyCardMessage } from '../db/order-cards.js';
import type { Logger } from '../logger.js';
import { fingerprint, type OrderCards, type OrderCardTarget, type OrderSection, type OrderView } from '../bridge/orders.js';
import { orderWord, t } from '../texts.js';
import type { TelegramOutbox } from './outbox.js';

/** Items listed on a card; the rest are counted (a card must stay well under Telegram's 4096 characters). */
const MAX_ITEMS = 10;
const NAME_MAX = 120;
const NOT_MODIFIED = /message is not modified/i;
const GONE = /message to edit not found|MESSAGE_ID_INVALID/i;

/** The card's order lines; empty when nothing is shown. */
export function orderLines(section: OrderSection): string[] {
  switch (section.kind) {
    case 'none':
      return [];
    case 'noScope':
      return section.tell ? [t('orders.card.noScope')] : [];
    case 'missing':
      return [t('orders.card.missing', { orderId: section.orderId })];
    case 'order':
      return viewLines(section.view);
  }
}

function viewLines(v: OrderView): string[] {
  const lines = [`${t('orders.card.title', { orderId: v.orderId })}${v.fake ? ` ${t('orders.card.fake')}` : ''}`];
  const status = orderWord('status', v.status);
  lines.push(
    v.substatus && v.substatus !== 'UNKNOWN'
      ? t('orders.card.statusWithSub', { status, substatus: orderWord('substatus', v.substatus) })
      : t('orders.card.status', { status }),
  );
  for (const item of v.items.slice(0, MAX_ITEMS)) {
    const name = item.name.length > NAME_MAX ? `${item.name.slice(0, NAME_MAX - 1)}…` : item.name;
    lines.push(
      item.price
        ? t('orders.card.item', { name, count: item.count, price: formatMoney(item.price.value, item.price.currency) })
        : t('orders.card.itemNoPrice', { name, count: item.count }),
    );
  }
  if (v.items.length > MAX_ITEMS) lines.push(t('orders.card.moreItems', { count: v.items.length - MAX_ITEMS }));
  if (v.total) lines.push(t('orders.card.total', { total: formatMoney(v.total.value, v.total.currency) }));
  const d = v.delivery;
  if (d.deliveredOn) lines.push(t('orders.card.delivered', { date: d.deliveredOn }));
  else {
    const how = [d.type ? orderWord('delivery', d.type) : undefined, d.service ?? undefined].filter(Boolean).join(' · ');
    const when = deliveryWhen(d);
    if (how || when) {
      lines.push(when ? t('orders.card.delivery', { how: how || orderWord('delivery', 'UNKNOWN'), when }) : t('orders.card.deliveryNoDate', { how }));
    }
  }
  if (v.tracks.length > 0) lines.push(t('orders.card.tracking', { codes: v.tracks.join(', ') }));
  lines.push(t('orders.card.link', { url: v.link }));
  return lines;
}

/** "2026-12-05", "2026-12-05 10:00–14:00", "2026-12-05 – 2026-12-07": as Market gives them (no time zone). */
function deliveryWhen(d: OrderView['delivery']): string {
  if (!d.fromDate) return '';
  const time = d.fromTime && d.toTime ? ` ${d.fromTime}–${d.toTime}` : d.fromTime ? ` ${d.fromTime}` : '';
  return d.toDate ? `${d.fromDate}${time} – ${d.toDate}` : `${d.fromDate}${time}`;
}

/** 1980 RUR -> "1 980 ₽"; other currencies by their code. */
export function formatMoney(value: number, currency: string): string {
  const [int, frac] = (Math.round(value * 100) / 100).toFixed(2).split('.') as [string, string];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  const amount = frac === '00' ? grouped : `${grouped}.${frac}`;
  const sign = currency === 'RUR' || currency === 'RUB' ? '₽' : currency;
  return `${amount}\u00a0${sign}`;
}

/** The whole topic card: the chat part (inbound.card) and the order lines under it. */
export function cardText(chat: MarketChatRow, section: OrderSection | undefined): string {
  const lines = section ? orderLines(section) : [];
  const base = t('inbound.card', { chat });
  return lines.length > 0 ? `${base}\n\n${lines.join('\n')}` : base;
}

/** What telegram/inbound.ts asks when it posts a topic card, and tells after showing a chat in reply-chain mode. */
export interface CardOrderPart {
  /** The card's text with its order lines; `posted()` once Telegram took it. */
  card(chat: MarketChatRow): { text: string; posted(): void };
  /** Reply-chain mode: a message of this chat was shown; its order card follows when there is one to show. */
  chatShown(chat: MarketChatRow): Promise<void>;
}

export class TelegramOrderCards implements OrderCardTarget, CardOrderPart {
  /** Set after construction (the core and its target need each other). */
  core: OrderCards | undefined;

  constructor(
    private readonly deps: {
      api: Api;
      db: Db;
      log: Logger;
      /** Read at every use: the group's id follows an upgrade to a supergroup. */
      readonly tgChatId: number;
      outbox: TelegramOutbox;
      businessId: number;
      now?: () => number;
    },
  ) {}

  card(chat: MarketChatRow): { text: string; posted(): void } {
    const section = this.core?.section(chat);
    return {
      text: cardText(chat, section),
      posted: () => {
        if (section) this.core?.shown(chat.marketChatId, section);
      },
    };
  }

  async chatShown(chat: MarketChatRow): Promise<void> {
    const core = this.core;
    // Without an order scope there is nothing to post: reply chains have no card to carry the hint (the log says it).
    if (!core || core.scopeMissing) return;
    const section = core.section(chat);
    if (!section || section.kind === 'noScope') return;
    const fp = fingerprint(section);
    if (fp === null || fp === (core.card(chat.marketChatId)?.shownFingerprint ?? null)) return;
    try {
      if (await this.show(chat.marketChatId, section)) core.shown(chat.marketChatId, section);
    } catch (err) {
      this.deps.log.warn({ marketChatId: chat.marketChatId, err: String(err) }, 'order card not posted');
    }
  }

  async show(marketChatId: number, section: OrderSection): Promise<boolean> {
    const { db, tgChatId, businessId } = this.deps;
    const chat = getMarketChat(db, businessId, marketChatId);
    if (!chat) return false;
    const thread = chatThread(db, tgChatId, { businessId, marketChatId });
    if (thread !== undefined) {
      // Topic mode: the card is the topic's first post; before it exists there is nothing to edit.
      if (chat.cardMessageId === null) return false;
      return this.edit(chat.cardMessageId, cardText(chat, section), marketChatId);
    }
    // Reply-chain mode: the order's own card, once the chat has been shown here.
    if (!shownIn(db, businessId, marketChatId, tgChatId)) return false;
    const lines = orderLines(section);
    if (lines.length === 0) return true;
    const text = `${t('inbound.header', { chat })}\n${lines.join('\n')}`;
    const existing = this.core?.card(marketChatId)?.replyCardMessageId ?? null;
    if (existing !== null && (await this.edit(existing, text, marketChatId))) return true;
    const sent = await this.deps.outbox.run(tgChatId, () =>
      this.deps.api.sendMessage(tgChatId, text, { link_preview_options: { is_disabled: true } }),
    );
    const now = this.deps.now?.() ?? Date.now();
    addAnchor(db, { tgChatId, tgMessageId: sent.message_id, businessId, marketChatId, kind: 'chat_card' }, now);
    setReplyCardMessage(db, this.deps.businessId, marketChatId, sent.message_id, now);
    return true;
  }

  /** Edits a card. True when it shows `text` now; false when the message is gone (a reply-chain card is re-posted). */
  private async edit(messageId: number, text: string, marketChatId: number): Promise<boolean> {
    const { api, tgChatId, outbox } = this.deps;
    try {
      await outbox.run(tgChatId, () =>
        api.editMessageText(tgChatId, messageId, text, { link_preview_options: { is_disabled: true } }),
      );
      return true;
    } catch (err) {
      if (err instanceof GrammyError && NOT_MODIFIED.test(err.description)) return true;
      if (err instanceof GrammyError && GONE.test(err.description)) {
        this.deps.log.info({ marketChatId, messageId }, 'the order card was deleted in Telegram');
        return false;
      }
      throw err;
    }
  }
}
