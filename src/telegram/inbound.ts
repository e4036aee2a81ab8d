/**
 * Where buyer chats appear in Telegram (TELEGRAM_CHAT_ID), for the inbound sync (bridge/sync.ts):
 *
 * - Topic mode (a forum supergroup where the bot may manage topics): each Market chat gets its own topic, titled in
 *   the seller's terms and opened by a chat card. The topic is linked like /link links one, so everything written in
 *   it goes to the buyer. Status shows in the title (❗ waiting for your reply, ⚖️ dispute); FINISHED closes the
 *   topic and a new message reopens it. A topic someone deleted is recreated and relinked.
 * - Reply-chain mode (a private chat, an ordinary group, or a forum where Telegram refused a topic): each message is
 *   posted with a one-line header naming its chat; replying to it answers that chat. A refused topic is said once in
 *   the chat, and tried again after `topicRetryMs`.
 *
 * Every message the bot posts for a chat is an anchor, so a reply to any of them is relayed. Every call goes through
 * the outbox, which paces them and keeps their order.
 */
import { GrammyError, InputFile, type Api } from 'grammy';
import type { Db } from '../db/open.js';
import { addAnchor, chatThread, linkNewThread, linkThread, unlinkThread, type AnchorKind } from '../db/links.js';
import {
  getMarketChat,
  markAllInFlight,
  markAllSent,
  markPartInFlight,
  markPartSent,
  setPresentation,
  shownIn,
  syncOwnsThread,
  type InboundMessageRow,
  type MarketChatRow,
} from '../db/inbound.js';
import { deleteKv, getKv, setKv } from '../db/kv.js';
import type { Logger } from '../logger.js';
import type { BuyerFile, FetchedFile } from '../market/buyer-files.js';
import type { ChatChange, InboundTarget } from '../bridge/sync.js';
import { t } from '../texts.js';
import { inChatLanguage } from './language.js';
import { describe } from './echo.js';
import type { TelegramOutbox } from './outbox.js';
import type { TelegramPresence } from './presence.js';
import type { CardOrderPart } from './order-cards.js';
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import { cardMarkup, waitedWords } from './features/desk.js';
import type { Mention, ReminderTarget } from '../bridge/reminders.js';
import { reminded } from '../db/reminders.js';

/** Telegram's limits on what a bot sends. */
const TEXT_MAX = 4096;
const TITLE_MAX = 128;
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const PHOTO_NAME = /\.(jpe?g|png|webp)$/i;

/** A topic someone deleted: sends fail with one of these. */
export const TOPIC_GONE = /message thread not found|TOPIC_DELETED|TOPIC_ID_INVALID/i;
const TOPIC_CLOSED = /TOPIC_CLOSED/i;
const NOT_MODIFIED = /TOPIC_NOT_MODIFIED/i;
/** The bot may not write here at all (removed, or restricted): see TelegramPresence. */
const SEND_FORBIDDEN = /not enough rights to send|CHAT_WRITE_FORBIDDEN|CHAT_SEND_\w*_FORBIDDEN|need administrator rights/i;
/** createForumTopic refused (a 400) for good: no admin rights, no topic rights, not a forum. */
export const TOPICS_REFUSED =
  /not enough rights|CHAT_ADMIN_REQUIRED|RIGHT_FORBIDDEN|not a forum|supergroups? (chats )?only|FORUM_DISABLED/i;

export interface TelegramInboundDeps {
  api: Api;
  db: Db;
  log: Logger;
  /** TELEGRAM_CHAT_ID. */
  tgChatId: number;
  /** The shop whose chats these are (one TelegramInbound per shop). */
  businessId: number;
  /**
   * The shop's name, set when the Telegram chat hosts several shops: topic titles, cards and reply-chain headers
   * then carry it. Read at every use.
   */
  readonly shopLabel?: string | undefined;
  outbox: TelegramOutbox;
  fetchFile(file: BuyerFile): Promise<FetchedFile>;
  /** After Telegram refused a topic, try topics again for new chats after this long. */
  topicRetryMs?: number;
  /** Whether the bot may post there at all; told of refusals that say it may not. */
  presence?: TelegramPresence;
  now?: () => number;
  /** The 🌐 line shown under a buyer message (its stored translation, or why there is none); undefined: none. */
  translationOf?: (m: InboundMessageRow) => string | undefined;
  /** The order behind a chat card (telegram/order-cards.ts): its lines on the card, its own card in reply chains. */
  cardOrder?: CardOrderPart;
  /**
   * A backlog that would wait behind Telegram's pacing is shown in combined posts (default true; the benchmark turns
   * it off to show the difference).
   */
  combine?: boolean;
}

type Part = { kind: 'text'; text: string; markup?: InlineKeyboardMarkup; entities?: MessageEntity[] } | { kind: 'file'; file: BuyerFile; caption: string };

/**
 * The share of a Telegram chat's pacing window kept for a backlog's combined posts (3 of a group's 20 sends a
 * minute, about 12,000 characters of entries; none in a window of a handful): a chat's messages go alone until only
 * this much is left, then the rest of its backlog is shown together at once instead of a window later.
 */
const BACKLOG_RESERVE = 0.15;

/** Characters kept free in each text part for the possible-repeat line. */
const REPEAT_ROOM = 100;

/** Whether a message was on its way to Telegram when the bridge stopped (its copy then carries the repeat mark). */
const inFlight = (m: InboundMessageRow) => m.partInFlight !== null;

/** The copy of a part posted again after a crash, marked so the seller knows it may be a repeat. */
function markRepeat(part: Part): Part {
  const mark = t('inbound.mayRepeat');
  return part.kind === 'text' ? { ...part, text: `${mark}\n${part.text}` } : { ...part, caption: `${mark}\n${part.caption}` };
}

export class TelegramInbound implements InboundTarget, ReminderTarget {
  /** Whether the chat is a forum; undefined until Telegram said (then topics are tried, and refusals handled). */
  private forum: boolean | undefined;
  /** TELEGRAM_CHAT_ID is a private chat with topics: closing and reopening exist only in supergroups there. */
  private privateTopics = false;
  private readonly creating = new Map<number, Promise<number | null>>();
  private readonly now: () => number;
  private readonly refusedKey: string;

  constructor(private readonly deps: TelegramInboundDeps) {
    this.now = deps.now ?? Date.now;
    this.refusedKey = `inbound.topicsRefused.${deps.tgChatId}`;
  }

  /** Whether TELEGRAM_CHAT_ID is a forum; undefined until Telegram said. */
  isForum(): boolean | undefined {
    return this.forum;
  }

  ready(): boolean {
    return this.deps.presence?.ready() ?? true;
  }

  /** The bot has its topic rights again: new chats get topics now, not after topicRetryMs. */
  topicsAllowedAgain(): void {
    deleteKv(this.deps.db, this.refusedKey);
  }

  /** Asks Telegram what kind of chat TELEGRAM_CHAT_ID is. A failure only warns: posting will tell. */
  async init(): Promise<void> {
    const { api, tgChatId, log } = this.deps;
    try {
      const chat = await api.getChat(tgChatId);
      this.forum = chat.type === 'supergroup' && chat.is_forum === true;
      // Bot API 9.3: a private chat has topics when the bot's topic mode is on (getMe's has_topics_enabled).
      if (chat.type === 'private') this.forum = this.privateTopics = (await api.getMe()).has_topics_enabled === true;
      const where = this.forum ? 'buyer chats go to forum topics' : 'buyer chats go to reply chains';
      log.info({ tgChatId, type: chat.type, forum: this.forum }, where);
    } catch (err) {
      log.warn(
        { tgChatId, err: describe(err) },
        'cannot read TELEGRAM_CHAT_ID from Telegram (is the bot in that chat?); will keep trying when posting',
      );
    }
  }

  /** Posts one recorded message alone, whatever waits behind it. */
  async post(chat: MarketChatRow, m: InboundMessageRow): Promise<void> {
    await this.postPending(chat, [m]);
  }

  async postPending(chat: MarketChatRow, pending: readonly InboundMessageRow[]): Promise<number> {
    let shown = 0;
    await this.reporting(async () => {
      shown = await this.doPostNext(chat, pending);
    });
    return shown;
  }

  async update(chat: MarketChatRow, change: ChatChange): Promise<void> {
    await this.reporting(() => this.doUpdate(chat, change));
  }

  /** A refusal that means the bot may not post here at all pauses posting (presence), then is thrown as usual. */
  private async reporting(op: () => Promise<void>): Promise<void> {
    // Buyer chats are shown in the language of the chat they are shown in.
    return inChatLanguage(this.deps.db, this.deps.tgChatId, () => this.reportingHere(op));
  }

  private async reportingHere(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      await this.deps.presence?.sendFailed(err);
      throw err;
    }
  }

  /**
   * Shows the first of the chat's pending messages, or the first several in one combined post; returns how many.
   *
   * Combining kicks in when the chat's backlog would wait behind Telegram's pacing: more messages are pending than
   * the outbox may send to this Telegram chat right now (its window, less what is queued there). A quiet chat's
   * messages are posted one by one as they always were. Only short text messages combine (no files, one part,
   * nothing of it posted yet), consecutive ones, and never messages that may already be in Telegram (in flight at a
   * crash) with fresh ones, so the repeat mark is exact. Messages found in flight together were one combined post:
   * they are posted together again, marked.
   */
  private async doPostNext(chat: MarketChatRow, pending: readonly InboundMessageRow[]): Promise<number> {
    const first = pending[0];
    if (!first) return 0;
    let shown = 1;
    // How far the first message got, kept across inHome's second attempt (a recreated topic continues, not repeats).
    const progress = { sent: first.partsSent };
    await this.inHome(chat, async (thread) => {
      const current = this.fresh(chat);
      if (thread !== null && current.topicClosed) await this.setClosed(current, thread, false);
      const batch = this.combinable(current, pending, thread);
      if (batch.length < 2) {
        await this.postParts(current, first, thread, progress);
        shown = 1;
        return;
      }
      await this.postCombined(current, batch, thread);
      shown = batch.length;
    });
    // Reply chains have no topic card: the order gets its own card once there is one to show.
    if (this.deps.cardOrder && chatThread(this.deps.db, this.deps.tgChatId, { businessId: this.deps.businessId, marketChatId: chat.marketChatId }) === undefined) {
      await this.deps.cardOrder.chatShown(this.fresh(chat));
    }
    return shown;
  }

  /** The messages at the head of `pending` to show in one combined post (fewer than two: post the first alone). */
  private combinable(chat: MarketChatRow, pending: readonly InboundMessageRow[], thread: number | null): InboundMessageRow[] {
    if (this.deps.combine === false || pending.length < 2) return [];
    const repeat = inFlight(pending[0]!);
    // Several in flight at once were one combined post: they go together again. Otherwise messages go alone while
    // the whole backlog fits in what Telegram allows now, or while more than the window's reserve is left; after
    // that the rest is combined, in the reserve if it fits, so a backlog does not wait a whole window.
    const { free, size } = this.deps.outbox.room(this.deps.tgChatId);
    const waits = pending.length > free && free <= Math.floor(size * BACKLOG_RESERVE);
    if (!repeat && !waits) return [];
    const batch: InboundMessageRow[] = [];
    let length = this.combinedHead(chat, thread).length;
    for (const m of pending) {
      if (inFlight(m) !== repeat || !this.oneTextPart(chat, m, thread)) break;
      const entry = this.entryOf(m);
      length += 2 + entry.length;
      if (length > TEXT_MAX - REPEAT_ROOM) break;
      batch.push(m);
    }
    return batch;
  }

  /** A message posted today as one text part, with nothing of it in Telegram yet. */
  private oneTextPart(chat: MarketChatRow, m: InboundMessageRow, thread: number | null): boolean {
    if (m.files !== null || m.partsSent > 0) return false;
    const parts = this.partsOf(chat, m, thread);
    return parts.length === 1 && parts[0]!.kind === 'text';
  }

  /** The combined post's first line: the chat's header in reply chains (one per post), nothing in a topic. */
  private combinedHead(chat: MarketChatRow, thread: number | null): string {
    return thread === null ? this.header(t('inbound.header', { chat })) : '';
  }

  /** One message in a combined post: "👤 Buyer · 14:05", its text, its 🌐 line. */
  private entryOf(m: InboundMessageRow): string {
    const text = (m.text ?? '').trim() === '' ? t('inbound.empty') : m.text!;
    const translated = this.deps.translationOf?.(m);
    return `${t('inbound.entry', { sender: m.sender, at: m.createdAt, now: this.now() })}\n${text}${translated !== undefined ? `\n${translated}` : ''}`;
  }

  /**
   * Several messages in one post. All are marked in flight together just before the request leaves, and all sent
   * together (one Telegram message, one anchor) once Telegram answered; a refusal clears the mark of all of them.
   */
  private async postCombined(chat: MarketChatRow, batch: readonly InboundMessageRow[], thread: number | null): Promise<void> {
    const { db, businessId, tgChatId } = this.deps;
    const ids = batch.map((m) => m.marketMessageId);
    const repeat = inFlight(batch[0]!);
    const head = this.combinedHead(chat, thread);
    const body = [...(head ? [head] : []), ...batch.map((m) => this.entryOf(m))].join('\n\n');
    const text = repeat ? `${t('inbound.mayRepeatSeveral')}\n${body}` : body;
    let tgMessageId: number;
    try {
      tgMessageId = await this.send(thread, { kind: 'text', text }, () => markAllInFlight(db, businessId, chat.marketChatId, ids, true));
    } catch (err) {
      // Telegram answered and refused: the post is not there. Anything else (no answer, a 5xx) stays in doubt.
      if (err instanceof GrammyError && err.error_code < 500) markAllInFlight(db, businessId, chat.marketChatId, ids, false);
      throw err;
    }
    db.transaction(() => {
      this.anchor(tgMessageId, chat.marketChatId, 'buyer');
      markAllSent(db, businessId, chat.marketChatId, ids, { tgChatId, tgMessageId }, this.now());
    });
  }

  /** One message as its own posts (text chunks, then files), continuing after the parts already in Telegram. */
  private async postParts(current: MarketChatRow, m: InboundMessageRow, thread: number | null, progress: { sent: number }): Promise<void> {
    const key = { businessId: this.deps.businessId, marketChatId: m.marketChatId, marketMessageId: m.marketMessageId };
    const parts = this.partsOf(current, m, thread);
    for (; progress.sent < parts.length; progress.sent++) {
      const sent = progress.sent;
      // A part that was on its way to Telegram when the bridge stopped may be there already: say so on the copy.
      const part0 = parts[sent]!;
      const mayRepeat = m.partInFlight === sent;
      const index = sent;
      let tgMessageId: number;
      try {
        // Marked just before the request leaves (not while it waits in the outbox), so only a part Telegram may
        // really have taken is marked after a crash.
        const onWire = () => markPartInFlight(this.deps.db, key, index);
        tgMessageId = await this.send(thread, mayRepeat ? markRepeat(part0) : part0, onWire);
      } catch (err) {
        // Telegram answered and refused: the part is not there. Anything else (no answer, a 5xx) stays in doubt.
        if (err instanceof GrammyError && err.error_code < 500) markPartInFlight(this.deps.db, key, null);
        throw err;
      }
      const part = { index: sent, last: sent === parts.length - 1, tgChatId: this.deps.tgChatId, tgMessageId };
      this.deps.db.transaction(() => {
        this.anchor(tgMessageId, current.marketChatId, 'buyer');
        markPartSent(this.deps.db, key, part, this.now());
      });
    }
  }

  private async doUpdate(chat: MarketChatRow, change: ChatChange): Promise<void> {
    const { db, tgChatId } = this.deps;
    // A chat gets a home as soon as it is seen, unless it began before what the bridge shows (it existed before the
    // bridge first ran): then only once it has a message to show.
    const hasHome = chatThread(db, tgChatId, this.ref(chat)) !== undefined;
    const shown = hasHome || shownIn(db, this.deps.businessId, chat.marketChatId, tgChatId);
    const began = chat.marketCreatedAt !== null ? Date.parse(chat.marketCreatedAt) : NaN;
    const beganInView = chat.shownFrom === null || (Number.isFinite(began) && began > chat.shownFrom);
    if (!shown && !beganInView) return;
    await this.inHome(chat, async (thread) => {
      let current = this.fresh(chat);
      if (change.dispute === 'opened' && current.dispute !== 'open') {
        await this.notice(current, thread, t('inbound.disputeOpened'));
        setPresentation(db, this.deps.businessId, chat.marketChatId, { dispute: 'open' }, this.now());
      }
      if (change.dispute === 'finished' && current.dispute === 'open') {
        await this.notice(current, thread, t('inbound.disputeFinished'));
        setPresentation(db, this.deps.businessId, chat.marketChatId, { dispute: 'closed' }, this.now());
      }
      if (change.vanished) await this.notice(current, thread, t('inbound.vanished'));
      current = this.fresh(chat);
      if (thread === null) {
        if (change.finished && shown) await this.notice(current, thread, t('inbound.finished'));
        return;
      }
      // A topic a person linked with /link keeps its name and stays open: its look is theirs.
      if (!syncOwnsThread(db, tgChatId, thread)) return;
      const title = this.titleOf(current);
      if (title !== current.topicTitle) {
        await this.topicCall(() => this.deps.api.editForumTopic(tgChatId, thread, { name: title }));
        setPresentation(db, this.deps.businessId, chat.marketChatId, { topicTitle: title }, this.now());
      }
      if (change.finished && !current.topicClosed) {
        // Closing alone leaves the seller guessing why: one line says it first.
        await this.notice(current, thread, t('inbound.finished'));
        await this.setClosed(current, thread, true);
      }
    });
  }

  // ---- reminders (bridge/reminders.ts) ----

  /** A reminder in the chat's home, mentioning the taker or the team (text mentions: no @username needed). */
  async remind(marketChatId: number, waitedMs: number, mention: Mention[]): Promise<void> {
    const chat = getMarketChat(this.deps.db, this.deps.businessId, marketChatId);
    if (!chat) return;
    await this.reporting(() =>
      this.inHome(chat, async (thread) => {
        let text = thread === null ? `${t('inbound.header', { chat: this.fresh(chat) })}\n` : '';
        text += t('desk.reminder', { waited: waitedWords(waitedMs) });
        const entities: MessageEntity[] = [];
        mention.forEach((m, i) => {
          text += i === 0 ? '\n' : ', ';
          if (m.username) return void (text += `@${m.username}`);
          entities.push({ type: 'text_mention', offset: text.length, length: m.name.length, user: { id: m.tgUserId, is_bot: false, first_name: m.name } });
          text += m.name;
        });
        const id = await this.send(thread, { kind: 'text', text, ...(entities.length ? { entities } : {}) });
        this.anchor(id, marketChatId, 'chat_card');
      }),
    );
  }

  /** AWAY_MESSAGE: the bot's note in the chat's home that it auto-replied; its id keys the relay (the 👍 lands on it). */
  async postAwayNote(marketChatId: number, text: string): Promise<{ tgChatId: number; tgMessageId: number; tgThreadId: number | null } | undefined> {
    const chat = getMarketChat(this.deps.db, this.deps.businessId, marketChatId);
    if (!chat) return undefined;
    let out: { tgChatId: number; tgMessageId: number; tgThreadId: number | null } | undefined;
    await this.reporting(() =>
      this.inHome(chat, async (thread) => {
        let note = thread === null ? `${t('inbound.header', { chat: this.fresh(chat) })}\n` : '';
        note += t('away.note', { text });
        const id = await this.send(thread, { kind: 'text', text: note });
        out = { tgChatId: this.deps.tgChatId, tgMessageId: id, tgThreadId: thread };
      }),
    );
    return out;
  }

  /** The topic's title again (⏰ on while the chat was reminded of in its current wait). */
  async refreshTitle(marketChatId: number): Promise<void> {
    const { db, tgChatId, businessId } = this.deps;
    const chat = getMarketChat(db, businessId, marketChatId);
    const thread = chat ? chatThread(db, tgChatId, { businessId, marketChatId }) : undefined;
    if (!chat || thread === undefined || !syncOwnsThread(db, tgChatId, thread)) return;
    const title = this.titleOf(chat);
    if (title === chat.topicTitle) return;
    await this.topicCall(() => this.deps.api.editForumTopic(tgChatId, thread, { name: title }));
    setPresentation(db, businessId, marketChatId, { topicTitle: title }, this.now());
  }

  // ---- the chat's home: a topic, or null for reply-chain mode ----

  /**
   * Runs `op` in the chat's home (its card posted first if the topic has none yet). A deleted topic is recreated and
   * relinked, and one a person closed is reopened; then `op` runs once more.
   */
  private async inHome(chat: MarketChatRow, op: (thread: number | null) => Promise<void>): Promise<void> {
    const attempt = async (thread: number | null) => {
      if (thread !== null && this.fresh(chat).cardMessageId === null) await this.postCard(this.fresh(chat), thread);
      await op(thread);
    };
    const thread = await this.home(chat);
    try {
      await attempt(thread);
    } catch (err) {
      if (thread === null) throw err;
      const why = describe(err).message;
      if (TOPIC_GONE.test(why)) {
        this.deps.log.warn({ marketChatId: chat.marketChatId, thread }, 'the chat’s topic was deleted; creating it again');
        await attempt(await this.createTopic(this.fresh(chat), thread));
        return;
      }
      if (TOPIC_CLOSED.test(why)) {
        // Closed by a person, not by the bridge.
        await this.setClosed(this.fresh(chat), thread, false);
        await attempt(thread);
        return;
      }
      throw err;
    }
  }

  private async home(chat: MarketChatRow): Promise<number | null> {
    const thread = chatThread(this.deps.db, this.deps.tgChatId, this.ref(chat));
    if (thread !== undefined) return thread;
    if (!this.topicsPossible()) return null;
    return this.createTopic(chat, undefined);
  }

  private topicsPossible(): boolean {
    if (this.forum === false) return false;
    const refusedAt = Number(getKv(this.deps.db, this.refusedKey) ?? NaN);
    return !(Number.isFinite(refusedAt) && this.now() - refusedAt < (this.deps.topicRetryMs ?? 30 * 60_000));
  }

  /**
   * Creates and links the chat's topic (its card follows in inHome). One creation per Market chat at a time (a second
   * caller gets the same promise); the unique index decides if another topic got linked meanwhile. Null: Telegram
   * refused topics.
   */
  private createTopic(chat: MarketChatRow, replacing: number | undefined): Promise<number | null> {
    const inFlight = this.creating.get(chat.marketChatId);
    if (inFlight) return inFlight;
    const created = this.doCreateTopic(chat, replacing).finally(() => this.creating.delete(chat.marketChatId));
    this.creating.set(chat.marketChatId, created);
    return created;
  }

  /** `replacing`: the deleted topic this one replaces (the chat is moved out of it). */
  private async doCreateTopic(chat: MarketChatRow, replacing: number | undefined): Promise<number | null> {
    const { api, db, tgChatId, log, outbox } = this.deps;
    const title = this.titleOf(chat);
    let threadId: number;
    try {
      threadId = (await outbox.run(tgChatId, () => api.createForumTopic(tgChatId, title))).message_thread_id;
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 400 && TOPICS_REFUSED.test(err.description)) {
        // A dead topic stays linked no longer: the chat continues in reply chains.
        if (replacing !== undefined) unlinkThread(db, { tgChatId, tgThreadId: replacing });
        await this.topicsRefused(err.description);
        return null;
      }
      throw err;
    }
    deleteKv(db, this.refusedKey);
    const key = { tgChatId, tgThreadId: threadId };
    let home = threadId;
    if (replacing !== undefined) linkThread(db, key, this.ref(chat), null, this.now());
    else home = linkNewThread(db, key, this.ref(chat), this.now());
    if (home !== threadId) {
      log.warn({ marketChatId: chat.marketChatId, threadId, home }, 'another topic was linked meanwhile; removing the new one');
      await outbox.run(tgChatId, () => api.deleteForumTopic(tgChatId, threadId)).catch(() => undefined);
      return home;
    }
    setPresentation(db, this.deps.businessId, chat.marketChatId, { topicTitle: title, topicClosed: false, cardMessageId: null }, this.now());
    log.info({ marketChatId: chat.marketChatId, threadId, replacing }, 'topic created for a Market chat');
    return threadId;
  }

  /** Said once in the chat (until a topic is created again); new chats use reply chains until topicRetryMs. */
  private async topicsRefused(reason: string): Promise<void> {
    const { db, log, tgChatId } = this.deps;
    const toldBefore = getKv(db, this.refusedKey) !== undefined;
    setKv(db, this.refusedKey, String(this.now()), this.now());
    log.warn({ tgChatId, reason, toldBefore }, 'Telegram refused to create a topic; using reply chains');
    if (toldBefore) return;
    await this.deps.outbox
      .run(tgChatId, () => this.deps.api.sendMessage(tgChatId, t('inbound.topicsRefused', { reason })))
      .catch((err: unknown) => log.warn({ err: describe(err) }, 'could not say that topics are refused'));
  }

  private async postCard(chat: MarketChatRow, thread: number): Promise<void> {
    const order = this.deps.cardOrder?.card(chat);
    const card = order?.text ?? t('inbound.card', { chat });
    const label = this.deps.shopLabel;
    const id = await this.send(thread, {
      kind: 'text',
      text: label ? `${t('shops.cardShop', { shop: label })}\n${card}` : card,
      markup: cardMarkup(chat.marketChatId, false),
    });
    this.anchor(id, chat.marketChatId, 'chat_card');
    setPresentation(this.deps.db, this.deps.businessId, chat.marketChatId, { cardMessageId: id }, this.now());
    order?.posted();
  }

  private async setClosed(chat: MarketChatRow, thread: number, closed: boolean): Promise<void> {
    const { api, tgChatId } = this.deps;
    if (!this.privateTopics) await this.topicCall(() => (closed ? api.closeForumTopic(tgChatId, thread) : api.reopenForumTopic(tgChatId, thread)));
    setPresentation(this.deps.db, this.deps.businessId, chat.marketChatId, { topicClosed: closed }, this.now());
  }

  /**
   * A topic call (title, close, reopen) through the outbox. "Not modified" means it already is as wanted; another
   * refusal (e.g. the bot lost its topic rights) is logged and left, as the title and closing are only looks.
   * A deleted topic is still thrown, so it is recreated.
   */
  private async topicCall(call: () => Promise<unknown>): Promise<void> {
    try {
      await this.deps.outbox.run(this.deps.tgChatId, call);
    } catch (err) {
      if (!(err instanceof GrammyError && err.error_code === 400) || TOPIC_GONE.test(err.description)) throw err;
      if (!NOT_MODIFIED.test(err.description)) {
        this.deps.log.warn({ err: err.description }, 'Telegram refused to change a topic');
      }
    }
  }

  // ---- messages ----

  private partsOf(chat: MarketChatRow, m: InboundMessageRow, thread: number | null): Part[] {
    const header =
      thread === null ? this.header(t('inbound.header', { chat, sender: m.sender })) : t('inbound.sender', { sender: m.sender });
    const files = m.files ? (JSON.parse(m.files) as BuyerFile[]) : [];
    const parts: Part[] = [];
    const text = m.text ?? '';
    if (text.trim() !== '' || files.length === 0) {
      // Room is left in every chunk for the possible-repeat line (markRepeat), so chunks never change.
      const translated = this.deps.translationOf?.(m);
      const body = `${header}\n${text.trim() === '' ? t('inbound.empty') : text}${translated !== undefined ? `\n\n${translated}` : ''}`;
      for (const chunk of splitText(body, TEXT_MAX - REPEAT_ROOM)) {
        parts.push({ kind: 'text', text: chunk });
      }
    }
    for (const file of files) parts.push({ kind: 'file', file, caption: header });
    return parts;
  }

  /** Sends one part; returns its Telegram message id. A file that cannot be attached goes as a named link. */
  private async send(thread: number | null, part: Part, onWire: () => void = () => undefined): Promise<number> {
    const { api, tgChatId, outbox } = this.deps;
    const where = thread !== null ? { message_thread_id: thread } : {};
    if (part.kind === 'text') {
      const sent = await outbox.run(tgChatId, () => {
        onWire();
        const markup = { ...(part.markup ? { reply_markup: part.markup } : {}), ...(part.entities ? { entities: part.entities } : {}) };
        return api.sendMessage(tgChatId, part.text, { ...where, ...markup, link_preview_options: { is_disabled: true } });
      });
      return sent.message_id;
    }
    const { file, caption } = part;
    // The file is downloaded inside its outbox turn, so a backlog of N files holds one body at a time, not N.
    return outbox.run(tgChatId, async () => {
      const got = await this.deps.fetchFile(file);
      if (got.ok) {
        const asPhoto = PHOTO_NAME.test(file.name) && got.bytes.byteLength <= PHOTO_MAX_BYTES;
        const attempts = asPhoto ? (['photo', 'document'] as const) : (['document'] as const);
        for (const as of attempts) {
          try {
            onWire();
            const upload = new InputFile(got.bytes, file.name);
            const sent =
              as === 'photo'
                ? await api.sendPhoto(tgChatId, upload, { ...where, caption })
                : await api.sendDocument(tgChatId, upload, { ...where, caption });
            return sent.message_id;
          } catch (err) {
            // Only a refusal of this file falls back; a topic problem, a network error or a 5xx is the caller's.
            const refusedFile = err instanceof GrammyError && err.error_code === 400;
            if (!refusedFile || TOPIC_GONE.test(err.description) || TOPIC_CLOSED.test(err.description) || SEND_FORBIDDEN.test(err.description)) throw err;
            this.deps.log.info({ name: file.name, as, err: err.description }, 'Telegram refused a buyer file');
          }
        }
      } else {
        this.deps.log.info({ name: file.name, size: file.size, why: got.why }, 'buyer file not fetched; posting a link');
      }
      const text = `${caption}\n${t('inbound.fileLink', { name: file.name, size: file.size, url: file.url })}`;
      onWire();
      return (await api.sendMessage(tgChatId, text.slice(0, TEXT_MAX), { ...where })).message_id;
    });
  }

  private async notice(chat: MarketChatRow, thread: number | null, text: string): Promise<void> {
    const body = thread === null ? `${this.header(t('inbound.header', { chat }))}\n${text}` : text;
    const id = await this.send(thread, { kind: 'text', text: body });
    this.anchor(id, chat.marketChatId, 'chat_card');
  }

  private anchor(tgMessageId: number, marketChatId: number, kind: AnchorKind): void {
    addAnchor(this.deps.db, { tgChatId: this.deps.tgChatId, tgMessageId, businessId: this.deps.businessId, marketChatId, kind }, this.now());
  }

  private ref(chat: MarketChatRow): { businessId: number; marketChatId: number } {
    return { businessId: this.deps.businessId, marketChatId: chat.marketChatId };
  }

  /** A reply-chain header, with the shop's name when the chat hosts several shops. */
  private header(line: string): string {
    const label = this.deps.shopLabel;
    return label ? t('shops.header', { shop: label, header: line }) : line;
  }

  private titleOf(chat: MarketChatRow): string {
    const plain = t('inbound.title', {
      chat,
      waiting: chat.status === 'WAITING_FOR_PARTNER',
      dispute: chat.dispute === 'open' || (chat.type === 'ARBITRAGE' && chat.status !== 'FINISHED'),
    });
    const label = this.deps.shopLabel;
    const titled = label ? t('shops.topicTitle', { shop: label, title: plain }) : plain;
    const marked = reminded(this.deps.db, this.deps.businessId, chat.marketChatId) ? `⏰ ${titled}` : titled;
    return marked.length <= TITLE_MAX ? marked : `${splitText(marked, TITLE_MAX - 1)[0]}…`;
  }

  /** The chat's row as stored now (earlier steps of this call may have changed its presentation columns). */
  private fresh(chat: MarketChatRow): MarketChatRow {
    return getMarketChat(this.deps.db, this.deps.businessId, chat.marketChatId) ?? chat;
  }
}

/** Splits text into pieces Telegram accepts, preferring line breaks, never splitting a surrogate pair. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  out.push(rest);
  return out;
}
