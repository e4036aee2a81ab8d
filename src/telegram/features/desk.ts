/**
 * The team's desk: /chats (/waiting) lists the chats that wait for the shop, in pages that edit one message; the
 * chat card's "I'll take it" / "Release" record who has a chat. Team members who write in the group are noted, so
 * a reminder can mention them when nobody took the chat. Everything here reads stored data: no Market calls.
 */
import { Composer, type Context } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup, User } from 'grammy/types';
import { getMarketChat } from '../../db/inbound.js';
import { anchorChat } from '../../db/links.js';
import {
  recordTeamWriter,
  releaseChat,
  takeChat,
  waitingFeedback,
  waitingPage,
  type WaitingChat,
  type WaitingFeedback,
} from '../../db/waits.js';
import { t } from '../../texts.js';
import type { Services } from '../services.js';

export const PAGE_SIZE = 10;
const PAGE_PREFIX = 'chats:';
const TAKE_PREFIX = 'take:';
const RELEASE_PREFIX = 'release:';

/** The card's button: take the chat, or (taken) give it back. */
export function cardMarkup(marketChatId: number, taken: boolean): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [
        taken
          ? { text: t('desk.card.release'), callback_data: `${RELEASE_PREFIX}${marketChatId}` }
          : { text: t('desk.card.take'), callback_data: `${TAKE_PREFIX}${marketChatId}` },
      ],
    ],
  };
}

/** How a teammate is shown: first name (and last), else @username. */
export function personName(u: Pick<User, 'first_name' | 'last_name' | 'username' | 'id'>): string {
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ').trim();
  return name || (u.username ? `@${u.username}` : String(u.id));
}

/** "2 h 15 min". */
export function waitedWords(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return t('desk.duration', { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 });
}

/** A t.me link to a message or topic of a supergroup (`-100…` ids only; other chats have no such links). */
export function messageLink(tgChatId: number | undefined, messageId: number): string | undefined {
  if (tgChatId === undefined) return undefined;
  const id = String(tgChatId);
  return id.startsWith('-100') ? `https://t.me/c/${id.slice(4)}/${messageId}` : undefined;
}

/** The text and buttons of one page of the waiting list: chats, reviews and questions, oldest wait first. */
export function waitingListPage(
  s: Pick<Services, 'db' | 'shopsIn'> & Partial<Pick<Services, 'feedback'>>,
  tgChatId: number,
  offset: number,
  now: number,
): { text: string; markup: InlineKeyboardMarkup } {
  const businessIds = s.shopsIn(tgChatId).map((shop) => shop.businessId);
  // Reviews and questions of the shops whose desk runs (FEEDBACK_POLL_INTERVAL_SECONDS=0 leaves stale rows alone).
  const feedbackOf = s.feedback ? businessIds.filter((b) => s.feedback!(b) !== undefined) : businessIds;
  let page = waitingOfShops(s.db, businessIds, feedbackOf, { now, tgChatId, offset, limit: PAGE_SIZE });
  // A page that emptied since it was shown: the last page there is now.
  if (page.items.length === 0 && offset > 0 && page.total > 0) {
    offset = Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE;
    page = waitingOfShops(s.db, businessIds, feedbackOf, { now, tgChatId, offset, limit: PAGE_SIZE });
  }
  if (page.total === 0) return { text: t('desk.list.empty'), markup: { inline_keyboard: [] } };
  const pages = Math.ceil(page.total / PAGE_SIZE);
  const header =
    page.reviews + page.questions === 0
      ? t('desk.list.header', { total: page.total, page: offset / PAGE_SIZE + 1, pages })
      : t('desk.list.headerAll', { what: waitingWhat(page), page: offset / PAGE_SIZE + 1, pages });
  const lines = [header, ''];
  const open: InlineKeyboardButton[] = [];
  page.items.forEach((item, i) => {
    const n = offset + i + 1;
    if (item.what === 'feedback') {
      const f = item.feedback;
      lines.push(feedbackLineOf(f, n));
      const url = f.post ? messageLink(f.post.tgChatId, f.post.tgMessageId) : undefined;
      if (url) open.push({ text: t('desk.list.open', { n }), url });
      else if (f.post) lines.push(t('desk.list.feedbackNoLink', { kind: f.kind, id: f.targetId, comment: f.comment ? 1 : 0 }));
      else lines.push(t('desk.list.feedbackNotPosted'));
      return;
    }
    const c = item.chat;
    lines.push(lineOf(c, n));
    const target = c.tgThreadId ?? c.lastAnchorId;
    const url = target !== null ? messageLink(tgChatId, target) : undefined;
    if (url) open.push({ text: t('desk.list.open', { n }), url });
    else lines.push(t('desk.list.noTopic', { chatId: c.marketChatId }));
  });
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < open.length; i += 5) rows.push(open.slice(i, i + 5));
  const nav: InlineKeyboardButton[] = [];
  if (offset > 0) nav.push({ text: t('desk.list.prev'), callback_data: `${PAGE_PREFIX}${Math.max(0, offset - PAGE_SIZE)}` });
  if (offset + PAGE_SIZE < page.total) nav.push({ text: t('desk.list.next'), callback_data: `${PAGE_PREFIX}${offset + PAGE_SIZE}` });
  if (nav.length > 0) rows.push(nav);
  return { text: lines.join('\n'), markup: { inline_keyboard: rows } };
}

/** "3 chats, 2 reviews, 1 question" (what is none is left out). */
export function waitingWhat(n: { chats: number; reviews: number; questions: number }): string {
  const parts: string[] = [];
  if (n.chats > 0) parts.push(t('desk.count.chats', { count: n.chats }));
  if (n.reviews > 0) parts.push(t('desk.count.reviews', { count: n.reviews }));
  if (n.questions > 0) parts.push(t('desk.count.questions', { count: n.questions }));
  const [a = '', b, c] = parts;
  return c !== undefined ? t('desk.count.three', { a, b: b!, c }) : b !== undefined ? t('desk.count.two', { a, b }) : a;
}

/** One line of the waiting list: a chat, or a review / question that waits. */
export type WaitingItem = { what: 'chat'; since: number; chat: WaitingChat } | { what: 'feedback'; since: number; feedback: WaitingFeedback };

interface WaitingItems {
  items: WaitingItem[];
  /** Everything that waits, and of it the chats, reviews and questions. */
  total: number;
  chats: number;
  reviews: number;
  questions: number;
}

/**
 * One page of what waits in the shops this Telegram chat shows, oldest wait first: one query when only one shop's
 * chats wait (the waiting list's paging in SQL); else each shop's first offset+limit chats and its reviews and
 * questions merged (the page cannot hold anything further down any of them).
 */
function waitingOfShops(
  db: Services['db'],
  businessIds: readonly number[],
  feedbackOf: readonly number[],
  q: { now: number; tgChatId: number; offset: number; limit: number },
): WaitingItems {
  const feedback = feedbackOf.map((businessId) => waitingFeedback(db, { businessId, now: q.now, limit: q.offset + q.limit }));
  const reviews = feedback.reduce((n, f) => n + f.reviews, 0);
  const questions = feedback.reduce((n, f) => n + f.questions, 0);
  const asItems = (chats: WaitingChat[]): WaitingItem[] => chats.map((chat) => ({ what: 'chat', since: chat.since, chat }));
  if (businessIds.length === 1 && reviews + questions === 0) {
    const page = waitingPage(db, { ...q, businessId: businessIds[0]! });
    return { items: asItems(page.chats), total: page.total, chats: page.total, reviews: 0, questions: 0 };
  }
  const pages = businessIds.map((businessId) => waitingPage(db, { ...q, businessId, offset: 0, limit: q.offset + q.limit }));
  const chats = pages.reduce((n, p) => n + p.total, 0);
  const all: WaitingItem[] = [
    ...asItems(pages.flatMap((p) => p.chats)),
    ...feedback.flatMap((f) => f.items.map((fb): WaitingItem => ({ what: 'feedback', since: fb.since, feedback: fb }))),
  ].sort((a, b) => a.since - b.since || tieBreak(a) - tieBreak(b));
  return { items: all.slice(q.offset, q.offset + q.limit), total: chats + reviews + questions, chats, reviews, questions };
}

/** Equal waits in a stable order: chats first, by id; then reviews and questions by id. */
function tieBreak(i: WaitingItem): number {
  return i.what === 'chat' ? i.chat.marketChatId : Number.MAX_SAFE_INTEGER / 2 + i.feedback.targetId;
}

/** ★★★★☆ (as the review's post shows them). */
export function starsOf(rating: number): string {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}

function feedbackLineOf(f: WaitingFeedback, n: number): string {
  const rating = f.rating ?? 0;
  return t('desk.list.feedback', {
    n,
    kind: f.kind,
    stars: starsOf(rating),
    rating,
    id: f.targetId,
    product: f.offerId ?? '',
    hasProduct: f.offerId ? 1 : 0,
    comment: f.comment ? 1 : 0,
    waited: waitedWords(f.waitedMs),
  });
}

function lineOf(c: WaitingChat, n: number): string {
  const id = c.contextType === 'RETURN' ? (c.returnId ?? c.orderId) : c.orderId;
  return t('desk.list.line', {
    n,
    kind: c.contextType,
    id: id !== null ? String(id) : '',
    buyer: c.customerName ?? '',
    hasBuyer: c.customerName ? 1 : 0,
    dispute: c.type === 'ARBITRAGE' ? 1 : 0,
    waited: waitedWords(c.waitedMs),
    taker: c.takenBy?.name ?? '',
    hasTaker: c.takenBy ? 1 : 0,
  });
}

/** The card's text without its "who has it" line, so taking again replaces that line. */
function cardBody(text: string): string {
  const lines = text.split('\n');
  const takenMark = t('desk.card.taken', { name: '\u0000' }).split('\u0000')[0]!;
  while (lines.length > 0 && (lines[lines.length - 1]!.startsWith(takenMark) || lines[lines.length - 1] === '')) lines.pop();
  return lines.join('\n');
}

/** How often a team member's latest message in a group is written down, and how many are remembered between. */
const WRITER_NOTE_MS = 60_000;
const WRITER_NOTE_MEMORY = 10_000;

export function desk(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  // Who on the team writes in the group (any message, then on to the other features). Reminders only need who wrote
  // lately, so a writer is written down at most once a minute (unless their name changed): one write less per reply.
  const noted = new Map<string, { at: number; name: string; username: string | undefined }>();
  c.on('message', async (ctx, next) => {
    const from = ctx.from;
    if (from && !from.is_bot && s.isTeam(from.id) && ctx.chat.type !== 'private') {
      const key = `${ctx.chat.id}:${from.id}`;
      const now = Date.now();
      const w = { tgChatId: ctx.chat.id, tgUserId: from.id, name: personName(from), username: from.username };
      const last = noted.get(key);
      if (!last || now - last.at >= WRITER_NOTE_MS || last.name !== w.name || last.username !== w.username) {
        recordTeamWriter(s.db, w, now);
        if (noted.size >= WRITER_NOTE_MEMORY) noted.clear();
        noted.set(key, { at: now, name: w.name, username: w.username });
      }
    }
    await next();
  });

  c.command(['chats', 'waiting'], async (ctx) => {
    if (!s.isTeam(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
    const page = waitingListPage(s, ctx.chat.id, 0, Date.now());
    await ctx.reply(page.text, { reply_markup: page.markup, link_preview_options: { is_disabled: true } });
  });

  c.callbackQuery(new RegExp(`^${PAGE_PREFIX}(\\d+)$`), async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const offset = Math.floor(Number(ctx.match[1]) / PAGE_SIZE) * PAGE_SIZE;
    const page = waitingListPage(s, ctx.chat!.id, offset, Date.now());
    // "Not modified" (pressed twice) is nothing to report.
    await ctx
      .editMessageText(page.text, { reply_markup: page.markup, link_preview_options: { is_disabled: true } })
      .catch((err: unknown) => s.log.debug({ err: String(err) }, 'waiting list not edited'));
    await ctx.answerCallbackQuery();
  });

  c.callbackQuery(new RegExp(`^(${TAKE_PREFIX}|${RELEASE_PREFIX})(\\d+)$`), async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const take = ctx.match[1] === TAKE_PREFIX;
    const marketChatId = Number(ctx.match[2]);
    // The card is anchored to its chat, and so to its shop (a chat id is unique only within its business).
    const card0 = ctx.callbackQuery.message;
    const ref = card0 ? anchorChat(s.db, card0.chat.id, card0.message_id) : undefined;
    const businessId = ref?.marketChatId === marketChatId ? ref.businessId : undefined;
    if (businessId === undefined || getMarketChat(s.db, businessId, marketChatId) === undefined) {
      return void (await ctx.answerCallbackQuery({ text: t('desk.gone') }));
    }
    const name = personName(ctx.from);
    if (take) takeChat(s.db, businessId, marketChatId, { tgUserId: ctx.from.id, name }, Date.now());
    else releaseChat(s.db, businessId, marketChatId);
    s.log.info({ marketChatId, by: ctx.from.id, take }, take ? 'a teammate took a chat' : 'a teammate released a chat');
    const card = ctx.callbackQuery.message;
    if (card && 'text' in card && card.text !== undefined) {
      const body = cardBody(card.text);
      const text = take ? `${body}\n\n${t('desk.card.taken', { name })}` : body;
      await ctx
        .editMessageText(text, { reply_markup: cardMarkup(marketChatId, take), link_preview_options: { is_disabled: true } })
        .catch((err: unknown) => s.log.warn({ err: String(err), marketChatId }, 'could not edit the chat card'));
    }
    await ctx.answerCallbackQuery({ text: take ? t('desk.took') : t('desk.released') });
  });
  return c;
}
