/**
 * Reviews and product questions in Telegram (the FeedbackTarget of bridge/feedback.ts): in a forum where the bot may
 * manage topics, reviews go to one "⭐ Reviews" topic and questions to one "❓ Questions" topic; anywhere else (a
 * private chat, an ordinary group, a forum that refuses topics) each post starts with that title as its header.
 * A buyer's comment on a review is posted as a reply to the review's post. Posts go through the inbound outbox
 * (Telegram's pacing per chat); outcomes of the seller's answers, like the relay's, are a 👍 on their message or a
 * reply in plain words.
 */
import { GrammyError, InlineKeyboard, type Api } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import type { FeedbackReminderTarget, Mention } from '../bridge/reminders.js';
import type { WaitingFeedback } from '../db/waits.js';
import type { Db } from '../db/open.js';
import type { FeedbackAnswerRow, FeedbackPostRow } from '../db/feedback.js';
import { deleteKv, getKv, setKv } from '../db/kv.js';
import type { Logger } from '../logger.js';
import type { MarketError } from '../market/errors.js';
import type { GoodsFeedback, GoodsFeedbackComment, GoodsQuestion } from '../market/feedback-types.js';
import { PostRefused, type FeedbackTarget, type InlineComment, type PostedAt } from '../bridge/feedback.js';
import { reason, t, technical } from '../texts.js';
import { DELIVERED_REACTION, describe } from './echo.js';
import { TOPIC_GONE, TOPICS_REFUSED } from './inbound.js';
import type { TelegramOutbox } from './outbox.js';
import { waitedWords } from './features/desk.js';

export const SKIP_PREFIX = 'fb:skip:';

const TEXT_MAX = 4096;
/** After Telegram refused a topic, topics are tried again after this long. */
const TOPIC_RETRY_MS = 30 * 60_000;

type Area = 'reviews' | 'questions';

export interface TelegramFeedbackDeps {
  api: Api;
  db: Db;
  log: Logger;
  businessId: number;
  /** Where posts go: TELEGRAM_CHAT_ID, followed through an upgrade to a supergroup. */
  tgChatId(): number;
  outbox: TelegramOutbox;
  /** Whether the bot may post in the chat now (TelegramPresence); absent: always. */
  ready?(): boolean;
  now?: () => number;
}

export class TelegramFeedback implements FeedbackTarget {
  private readonly creating = new Map<string, Promise<number | null>>();
  /** Whether a chat is a forum, as Telegram said (asked once per chat and process). */
  private readonly forums = new Map<number, boolean>();
  private readonly now: () => number;

  constructor(private readonly deps: TelegramFeedbackDeps) {
    this.now = deps.now ?? Date.now;
  }

  ready(): boolean {
    return this.deps.ready?.() ?? true;
  }

  async post(row: FeedbackPostRow, opts: { mayRepeat: boolean; parent?: FeedbackPostRow }): Promise<PostedAt> {
    const chat = this.deps.tgChatId();
    const area: Area = row.kind === 'question' ? 'questions' : 'reviews';
    for (let tries = 0; ; tries++) {
      const thread = await this.topic(chat, area);
      const text = (opts.mayRepeat ? `${t('feedback.mayRepeat')}\n` : '') + compose(row, thread === null ? t(`feedback.topic.${area}`) : undefined);
      const parent = opts.parent && opts.parent.tgChatId === chat ? opts.parent.tgMessageId : null;
      try {
        const sent = await this.deps.outbox.run(chat, () =>
          this.deps.api.sendMessage(chat, cut(text), {
            ...(thread !== null ? { message_thread_id: thread } : {}),
            ...(parent !== null ? { reply_parameters: { message_id: parent, allow_sending_without_reply: true } } : {}),
            ...(row.kind === 'review' ? { reply_markup: skipButton(row.targetId) } : {}),
            link_preview_options: { is_disabled: true },
          }),
        );
        return { tgChatId: chat, tgMessageId: sent.message_id, tgThreadId: thread };
      } catch (err) {
        if (err instanceof GrammyError && thread !== null && TOPIC_GONE.test(err.description) && tries === 0) {
          this.deps.log.warn({ area, thread }, 'the feedback topic was deleted; creating it again');
          deleteKv(this.deps.db, this.topicKey(chat, area));
          continue;
        }
        // Telegram answered and refused: nothing was posted.
        if (err instanceof GrammyError && err.error_code < 500) throw new PostRefused(err.description);
        throw err;
      }
    }
  }

  async settled(row: FeedbackPostRow, how: 'skipped' | 'answered' | 'elsewhere'): Promise<void> {
    if (row.tgChatId === null || row.tgMessageId === null) return;
    const chat = row.tgChatId;
    const header = row.tgThreadId === null ? t(`feedback.topic.${row.kind === 'question' ? 'questions' : 'reviews'}`) : undefined;
    const text = `${cut(compose(row, header), 200)}\n\n${how === 'skipped' ? t('feedback.review.skipped') : how === 'elsewhere' ? t('feedback.settledElsewhere') : t('feedback.answered')}`;
    try {
      await this.deps.outbox.run(chat, () =>
        this.deps.api.editMessageText(chat, row.tgMessageId!, text, {
          reply_markup: { inline_keyboard: [] },
          link_preview_options: { is_disabled: true },
        }),
      );
    } catch (err) {
      if (!describe(err).message.includes('message is not modified')) throw err;
    }
  }

  async delivered(a: FeedbackAnswerRow): Promise<boolean> {
    try {
      await this.deps.api.setMessageReaction(a.tgChatId, a.tgMessageId, [{ type: 'emoji', emoji: DELIVERED_REACTION }]);
      return true;
    } catch (err) {
      this.deps.log.info({ err: describe(err), answer: a.id }, 'reaction refused; confirming with a reply');
      return this.reply(a, a.kind === 'review' ? t('feedback.sent.review') : t('feedback.sent.question'));
    }
  }

  async failed(a: FeedbackAnswerRow, err: MarketError): Promise<boolean> {
    const [what, todo] =
      err.kind === 'rejected'
        ? a.kind === 'review'
          ? reason('feedback.why.rejectedReview')
          : reason('feedback.why.rejectedQuestion')
        : err.kind === 'forbidden'
          ? reason('feedback.why.forbidden')
          : err.kind === 'not_found'
            ? reason('feedback.why.not_found')
            : reason(err.kind);
    return this.reply(a, t('feedback.failed', { what, todo, technical: technical(err), attempts: a.attempts }));
  }

  async uncertain(a: FeedbackAnswerRow, err: MarketError | undefined): Promise<boolean> {
    return this.reply(a, t('feedback.uncertain', { technical: err ? technical(err) : 'no answer' }));
  }

  private async reply(a: FeedbackAnswerRow, text: string): Promise<boolean> {
    try {
      await this.deps.api.sendMessage(a.tgChatId, text, {
        ...(a.tgThreadId !== null ? { message_thread_id: a.tgThreadId } : {}),
        reply_parameters: { message_id: a.tgMessageId, allow_sending_without_reply: true },
      });
      return true;
    } catch (err) {
      this.deps.log.error({ err: describe(err), answer: a.id }, 'could not tell the seller the answer’s outcome');
      return false;
    }
  }

  // ---- the topics ----

  private topicKey(chat: number, area: Area): string {
    return `feedback.topic.${this.deps.businessId}.${chat}.${area}`;
  }

  private refusedKey(chat: number): string {
    return `feedback.topicsRefused.${chat}`;
  }

  /** The area's topic in `chat`, created once (one creation at a time); null: post with a header instead. */
  private topic(chat: number, area: Area): Promise<number | null> {
    const known = Number(getKv(this.deps.db, this.topicKey(chat, area)) ?? NaN);
    if (Number.isSafeInteger(known)) return Promise.resolve(known);
    const key = `${chat}:${area}`;
    const inFlight = this.creating.get(key);
    if (inFlight) return inFlight;
    const created = this.createTopic(chat, area).finally(() => this.creating.delete(key));
    this.creating.set(key, created);
    return created;
  }

  private async createTopic(chat: number, area: Area): Promise<number | null> {
    const { api, db, log } = this.deps;
    const refusedAt = Number(getKv(db, this.refusedKey(chat)) ?? NaN);
    if (Number.isFinite(refusedAt) && this.now() - refusedAt < TOPIC_RETRY_MS) return null;
    let forum = this.forums.get(chat);
    if (forum === undefined) {
      const info = await api.getChat(chat).catch(() => undefined);
      if (!info) return null;
      forum = info.type === 'supergroup' && info.is_forum === true;
      this.forums.set(chat, forum);
    }
    if (!forum) return null;
    try {
      const topic = await this.deps.outbox.run(chat, () => api.createForumTopic(chat, t(`feedback.topic.${area}`)));
      setKv(db, this.topicKey(chat, area), String(topic.message_thread_id), this.now());
      deleteKv(db, this.refusedKey(chat));
      log.info({ area, thread: topic.message_thread_id }, 'feedback topic created');
      return topic.message_thread_id;
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 400 && TOPICS_REFUSED.test(err.description)) {
        setKv(db, this.refusedKey(chat), String(this.now()), this.now());
        log.warn({ area, reason: err.description }, 'Telegram refused the feedback topic; posting with a header');
        return null;
      }
      throw err;
    }
  }
}

function skipButton(feedbackId: number): InlineKeyboard {
  return new InlineKeyboard().text(t('feedback.button.skip'), `${SKIP_PREFIX}${feedbackId}`);
}

/** Telegram takes at most 4096 characters; a longer post is cut with a note (the full text is in the cabinet). */
function cut(text: string, room = 0): string {
  const max = TEXT_MAX - room;
  if (text.length <= max) return text;
  const note = `\n${t('feedback.cut')}`;
  let end = max - note.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + note;
}

function stars(rating: number): string {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}

/** Market's ISO time as the seller reads it on a phone: "2026-05-02 14:03". */
function when(iso: string | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

/** The post's text, from what Market said (kept in the row). `header`: the area's title, when not in its topic. */
export function compose(row: FeedbackPostRow, header: string | undefined): string {
  const lines: string[] = header ? [header] : [];
  if (row.kind === 'review') {
    const f = row.data as unknown as GoodsFeedback & { inlineComments?: InlineComment[] };
    const rating = f.statistics.rating;
    lines.push(t('feedback.review.title', { stars: stars(rating), rating, feedbackId: f.feedbackId }));
    if (f.identifiers.offerId) lines.push(t('feedback.product', { offerId: f.identifiers.offerId }));
    lines.push(t('feedback.author', { name: f.author ?? t('feedback.anonymous'), date: when(f.createdAt) }));
    if (f.identifiers.orderId !== undefined) lines.push(t('feedback.review.order', { orderId: f.identifiers.orderId }));
    const d = f.description ?? {};
    lines.push('');
    if (d.comment) lines.push(d.comment);
    if (d.advantages) lines.push(t('feedback.review.pros', { text: d.advantages }));
    if (d.disadvantages) lines.push(t('feedback.review.cons', { text: d.disadvantages }));
    if (!d.comment && !d.advantages && !d.disadvantages) lines.push(t('feedback.review.noText'));
    const photos = f.media?.photos ?? [];
    const videos = f.media?.videos ?? [];
    if (photos.length > 0) lines.push('', t('feedback.review.photos', { count: photos.length }), ...photos);
    if (videos.length > 0) lines.push('', t('feedback.review.videos', { count: videos.length }), ...videos);
    const earlier = f.inlineComments ?? [];
    if (earlier.length > 0) {
      lines.push('', t('feedback.review.earlier', { count: earlier.length }));
      for (const c of earlier) lines.push(`— ${c.author ?? t('feedback.anonymous')}: ${c.text}`);
    }
    lines.push('', t('feedback.review.hint'));
  } else if (row.kind === 'comment') {
    const c = row.data as unknown as GoodsFeedbackComment;
    lines.push(t('feedback.comment.title', { feedbackId: c.feedbackId, name: c.author?.name ?? t('feedback.anonymous') }), '', c.text, '', t('feedback.comment.hint'));
  } else {
    const q = row.data as unknown as GoodsQuestion;
    lines.push(t('feedback.question.title', { questionId: q.questionIdentifiers.id }));
    lines.push(t('feedback.product', { offerId: q.questionIdentifiers.offerId }));
    lines.push(t('feedback.author', { name: q.author?.name ?? t('feedback.anonymous'), date: when(q.createdAt) }));
    lines.push('', q.text, '', t('feedback.question.hint'));
  }
  return lines.join('\n');
}

/**
 * Reminders of reviews and questions that wait (bridge/reminders.ts): a reply to the item's post, mentioning the team
 * as a chat's reminder does (text mentions, so no @username is needed), through the outbox's pacing.
 */
export class TelegramFeedbackReminders implements FeedbackReminderTarget {
  constructor(private readonly deps: { api: Api; outbox: TelegramOutbox; log: Logger }) {}

  async remindFeedback(f: WaitingFeedback, waitedMs: number, mention: Mention[]): Promise<void> {
    if (!f.post) return;
    const { tgChatId, tgMessageId, tgThreadId } = f.post;
    let text = t('desk.reminderFeedback', { kind: f.kind, comment: f.comment ? 1 : 0, waited: waitedWords(waitedMs) });
    const entities: MessageEntity[] = [];
    mention.forEach((m, i) => {
      text += i === 0 ? '\n' : ', ';
      if (m.username) return void (text += `@${m.username}`);
      entities.push({ type: 'text_mention', offset: text.length, length: m.name.length, user: { id: m.tgUserId, is_bot: false, first_name: m.name } });
      text += m.name;
    });
    await this.deps.outbox.run(tgChatId, () =>
      this.deps.api.sendMessage(tgChatId, text, {
        ...(tgThreadId !== null ? { message_thread_id: tgThreadId } : {}),
        reply_parameters: { message_id: tgMessageId, allow_sending_without_reply: true },
        ...(entities.length > 0 ? { entities } : {}),
      }),
    );
  }
}
