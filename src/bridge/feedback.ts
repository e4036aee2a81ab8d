/**
 * Reviews and product questions, answered from Telegram (issue 12). One FeedbackDesk per shop (business):
 *
 * - Bringing them in: reviews that need the shop's reaction (getGoodsFeedbacks, NEED_REACTION) and questions that
 *   need an answer (getGoodsQuestions, needAnswer) are polled, and fetched at once when Market notifies one. Every
 *   item is recorded in `feedback_posts` before it is posted (keyed by business, kind and Market id), so nothing is
 *   shown twice, also after a restart. The scans keep their cursor in `kv`: the first one reads what needs a reaction
 *   now (Market's own filter), later ones only look back a little before the last complete scan. A buyer's comment on
 *   a posted review is posted under it.
 * - Answering: a reply to a post is recorded in `feedback_answers` before any request (the relay's ledger idea) and
 *   sent at most once: an attempt that got no clear answer (5xx, timeout, dropped connection, crash) is never sent
 *   again blindly: once Market can no longer be working on it, the review's comments (or the question's answers) are
 *   read, and only when they show it did not arrive is it sent again. Where they cannot tell, the seller is told.
 *
 * No grammY or axios here: Market is reached through `FeedbackMarket`, Telegram through `FeedbackTarget`.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from '../logger.js';
import type { Db } from '../db/open.js';
import { getKv, setKv } from '../db/kv.js';
import {
  answerOfMessage,
  getAnswer,
  getPost,
  insertAnswer,
  knownCommentIds,
  moveAnswer,
  movePost,
  openAnswers,
  postedBefore,
  otherAnswers,
  postsToShow,
  recordPost,
  unechoedAnswers,
  updatePost,
  type FeedbackAnswerRow,
  type FeedbackAnswerState,
  type FeedbackPostRow,
  type NewFeedbackAnswer,
  type PostKey,
} from '../db/feedback.js';
import { MarketError } from '../market/errors.js';
import type {
  GetGoodsFeedbacksBody,
  GetGoodsQuestionsBody,
  GoodsAnswerPage,
  GoodsFeedback,
  GoodsFeedbackComment,
  GoodsFeedbackCommentPage,
  GoodsFeedbackPage,
  GoodsQuestion,
  GoodsQuestionPage,
} from '../market/feedback-types.js';
import { QUESTION_ANSWER_MAX_LENGTH, REVIEW_COMMENT_MAX_LENGTH } from '../limits.js';
import { sameText } from '../text-compare.js';
import { sleep } from '../util/sleep.js';
import { asMarketError } from './relay.js';
import { isBlank } from './text-rules.js';

/** What the desk needs from Market (MarketClient fits it): reads at background priority, writes as a seller's reply. */
export interface FeedbackMarket {
  listReviews(body: GetGoodsFeedbacksBody, pageToken: string | undefined): Promise<GoodsFeedbackPage>;
  /** `relay` when a seller's answer waits for it (checking an unanswered attempt), `sync` otherwise. */
  reviewComments(
    body: { feedbackId?: number; commentIds?: number[] },
    pageToken: string | undefined,
    priority: 'relay' | 'sync',
  ): Promise<GoodsFeedbackCommentPage>;
  commentReview(body: { feedbackId: number; comment: { text: string; parentId?: number } }): Promise<GoodsFeedbackComment>;
  skipReviews(feedbackIds: number[]): Promise<void>;
  listQuestions(body: GetGoodsQuestionsBody, pageToken: string | undefined): Promise<GoodsQuestionPage>;
  questionAnswers(body: { questionId: number }, pageToken: string | undefined, priority: 'relay' | 'sync'): Promise<GoodsAnswerPage>;
  /** Creates the shop's answer; returns its id. */
  answerQuestion(questionId: number, text: string): Promise<number>;
}

/** Where a post landed in Telegram. */
export interface PostedAt {
  tgChatId: number;
  tgMessageId: number;
  tgThreadId: number | null;
}

/** Thrown by FeedbackTarget.post when Telegram refused the post: it is not there, posting it again is safe. */
export class PostRefused extends Error {
  override readonly name = 'PostRefused';
}

/** How posts and outcomes reach the seller (the Telegram side implements it). Every method may throw. */
export interface FeedbackTarget {
  /** Whether posting is possible now (false while the bot may not post in the chat); undefined: always. */
  ready?(): boolean;
  /**
   * Posts a review, a question, or a comment (under `parent`, its review's post). `mayRepeat`: an earlier try may
   * have been posted (the bridge stopped before Telegram's answer was recorded), so the post says so.
   */
  post(row: FeedbackPostRow, opts: { mayRepeat: boolean; parent?: FeedbackPostRow }): Promise<PostedAt>;
  /** The review was skipped (or answered): its post loses its Skip button and says so. */
  /** The post's item needs nothing now: skipped or answered from Telegram, or (elsewhere) in the cabinet. */
  settled(row: FeedbackPostRow, how: 'skipped' | 'answered' | 'elsewhere'): Promise<void>;
  /** The outcome of an answer, on the seller's message; true once it is showing. */
  delivered(a: FeedbackAnswerRow): Promise<boolean>;
  failed(a: FeedbackAnswerRow, err: MarketError): Promise<boolean>;
  uncertain(a: FeedbackAnswerRow, err: MarketError | undefined): Promise<boolean>;
}

/** A push notification about a review, a comment on one, or a question. */
export type FeedbackEvent = { kind: 'review' | 'comment' | 'question'; id: number };

export interface FeedbackOptions {
  /** How often reviews and questions are polled; 0: only at start and on notifications. */
  intervalMs: number;
  /** Later scans look back this far before the last complete scan (a review is listed once moderated and published). */
  lookbackMs: number;
  /** A full scan of what needs a reaction this often, for anything the shorter scans and notifications missed. */
  fullScanEveryMs: number;
  /** Pages read per scan at most (50 items each); a scan cut short keeps its cursor and is done again. */
  maxPagesPerScan: number;
  /** Notified items waiting at most; more are dropped (polling brings them). */
  maxPendingNotifications: number;
  /** Attempts per answer for failures another attempt can fix, and checks of an unanswered attempt. */
  maxAttempts: number;
  backoffMs(attempt: number): number;
  /** After an attempt that got no answer, how long from its start before Market's comments are trusted to show it. */
  reconcileAfterMs: number;
  /** Longest a 420 without X-RateLimit-Resource-Until makes an answer wait. */
  rateLimitFallbackMs: number;
  /** How often outcomes and posts Telegram did not take are tried again. */
  sweepMs: number;
  /**
   * A posted review or question that a complete full scan no longer lists is looked up by id once it was recorded at
   * least this long ago (a review just notified may not be in the lists yet); answered or skipped in the cabinet, it
   * stops waiting in Telegram.
   */
  settleAfterMs: number;
}

export const DEFAULT_FEEDBACK_OPTIONS: FeedbackOptions = {
  intervalMs: 5 * 60_000,
  lookbackMs: 3 * 24 * 3_600_000,
  fullScanEveryMs: 6 * 3_600_000,
  maxPagesPerScan: 40,
  maxPendingNotifications: 500,
  maxAttempts: 3,
  backoffMs: (n) => Math.min(30_000, 1000 * 3 ** (n - 1)),
  reconcileAfterMs: 25_000,
  rateLimitFallbackMs: 60_000,
  sweepMs: 60_000,
  settleAfterMs: 30 * 60_000,
};

/** Market's page size for these lists is at most 50. */
const PAGE = 50;
/** Market's windows: reviews at most 6 months, questions at most 1 month (a little less, to stay inside it). */
const QUESTION_WINDOW_MS = 28 * 24 * 3_600_000;
/** Outcomes older than this are not shown again after a restart. */
const ECHO_CATCH_UP_MS = 24 * 60 * 60 * 1000;

/** Why an answer is refused before anything is sent. */
export type AnswerRefusal = { reason: 'empty' } | { reason: 'too_long'; length: number; max: number };

/** The spec's length bounds of a review comment (1..4096) and of a question answer (1..5000), in UTF-16 units. */
export function checkAnswer(kind: 'review' | 'question', text: string): AnswerRefusal | undefined {
  if (isBlank(text)) return { reason: 'empty' };
  const max = kind === 'review' ? REVIEW_COMMENT_MAX_LENGTH : QUESTION_ANSWER_MAX_LENGTH;
  return text.length > max ? { reason: 'too_long', length: text.length, max } : undefined;
}

type Outcome = 'delivered' | 'not_delivered' | 'unknown' | 'interrupted';

/**
 * An answer's life cycle in one table, like the relay's (relay-states.ts): every change an answer row can make, by
 * event. `moveAnswerBy` applies one only if the row is still in one of its `from` states (a compare-and-set in
 * SQLite), so two paths can never both settle one answer.
 *
 *   pending --attempt--> sending --accepted/found--> delivered
 *      ^                   |--deferred (420, quota, no connection)--> pending
 *      |                   |--unanswered (5xx, timeout, reset: may have arrived)--> sending (checked later)
 *      |                   |--attempt (the check showed the last one did not arrive)--> sending
 *      |                   |--refused (400) / failed (401/403/404, tries used up)--> refused / failed
 *      |                   `--unknown (the check cannot tell)--> uncertain
 */
export const ANSWER_TRANSITIONS = {
  attempt: { from: ['pending', 'sending'], to: 'sending' },
  accepted: { from: ['sending'], to: 'delivered' },
  found: { from: ['sending'], to: 'delivered' },
  deferred: { from: ['sending'], to: 'pending' },
  unanswered: { from: ['sending'], to: 'sending' },
  refused: { from: ['sending'], to: 'refused' },
  failed: { from: ['sending', 'pending'], to: 'failed' },
  unknown: { from: ['sending'], to: 'uncertain' },
} as const satisfies Record<string, { from: readonly FeedbackAnswerState[]; to: FeedbackAnswerState }>;

export type AnswerEvent = keyof typeof ANSWER_TRANSITIONS;

function moveAnswerBy(
  db: Db,
  id: number,
  event: AnswerEvent,
  patch: Partial<Omit<FeedbackAnswerRow, 'id' | 'createdAt' | 'state'>>,
  now: number,
): FeedbackAnswerRow | undefined {
  const t = ANSWER_TRANSITIONS[event];
  return moveAnswer(db, id, t.from, { ...patch, state: t.to }, now);
}

/** What an inline comment looks like inside its review's post. */
export interface InlineComment {
  author: string | undefined;
  text: string;
}

export class FeedbackDesk {
  private readonly opts: FeedbackOptions;
  private readonly now: () => number;
  private readonly stop = new AbortController();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly pending = { review: new Set<number>(), comment: new Set<number>(), question: new Set<number>() };
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private scanAgain = false;
  private draining: Promise<void> | undefined;
  private showing: Promise<void> | undefined;
  private showAgain = false;
  private readonly echoing = new Set<number>();
  private closed = false;
  /** Ids a complete full scan of this pass listed as waiting (undefined: this pass was not one). */
  private listed: { review?: Set<number>; question?: Set<number> } = {};

  constructor(
    private readonly deps: {
      db: Db;
      businessId: number;
      market: FeedbackMarket;
      target: FeedbackTarget;
      log: Logger;
      options?: Partial<FeedbackOptions>;
      now?: () => number;
    },
  ) {
    this.opts = { ...DEFAULT_FEEDBACK_OPTIONS, ...deps.options };
    this.now = deps.now ?? Date.now;
    setMaxListeners(0, this.stop.signal);
  }

  private get biz(): number {
    return this.deps.businessId;
  }

  /** Picks up unfinished answers and posts, then scans now and every intervalMs. */
  start(): void {
    for (const a of openAnswers(this.deps.db, this.biz)) this.enqueue(a);
    this.catchUp();
    this.sweep = setInterval(() => {
      this.catchUp();
      this.showPending();
    }, this.opts.sweepMs);
    this.sweep.unref();
    void this.scan('start');
  }

  /** Stops polling and sending; requests on the wire get `graceMs` to finish. Unfinished answers resume at the next start. */
  async close(graceMs = 5_000): Promise<void> {
    this.stop.abort(new Error('feedback desk closed'));
    clearTimeout(this.timer);
    clearInterval(this.sweep);
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(graceMs)]);
    this.closed = true;
  }

  /** Resolves when scans, notified look-ups, posts and answers have all finished (tests). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [this.scanning, this.draining, this.showing, ...this.chains.values()].filter((p) => p !== undefined);
      if (busy.length === 0) return;
      await Promise.allSettled(busy);
    }
  }

  // ------------------------------------------------------------------------------------------- bringing in

  /** Scans reviews and questions now; a scan already running is followed by exactly one more. */
  scan(reason: string): Promise<void> {
    if (this.stop.signal.aborted) return Promise.resolve();
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    clearTimeout(this.timer);
    const run = this.track(
      (async () => {
        do {
          this.scanAgain = false;
          this.listed = {};
          await this.scanReviews(reason).catch((err: unknown) => this.scanFailed('reviews', err));
          await this.scanQuestions(reason).catch((err: unknown) => this.scanFailed('questions', err));
          await this.settleElsewhere().catch((err: unknown) => this.scanFailed('settled in the cabinet', err));
          await this.showPendingNow();
        } while (this.scanAgain && !this.stop.signal.aborted);
      })(),
    ).finally(() => {
      this.scanning = undefined;
      this.schedule();
    });
    this.scanning = run;
    return run;
  }

  private schedule(): void {
    if (this.opts.intervalMs <= 0 || this.stop.signal.aborted) return;
    this.timer = setTimeout(() => void this.scan('poll'), this.opts.intervalMs);
    this.timer.unref();
  }

  private scanFailed(what: string, err: unknown): void {
    if (this.closed) return;
    const e = asMarketError(err);
    this.deps.log.warn({ businessId: this.biz, what, kind: e.kind, status: e.status, code: e.code }, 'feedback scan failed; trying again at the next poll');
  }

  private cursor(what: 'reviews' | 'questions'): { completeAt?: number; fullAt?: number } {
    const raw = getKv(this.deps.db, `feedback.${this.biz}.${what}.scan`);
    return raw ? (JSON.parse(raw) as { completeAt?: number; fullAt?: number }) : {};
  }

  private saveCursor(what: 'reviews' | 'questions', c: { completeAt?: number; fullAt?: number }): void {
    setKv(this.deps.db, `feedback.${this.biz}.${what}.scan`, JSON.stringify(c), this.now());
  }

  private async scanReviews(reason: string): Promise<void> {
    const started = this.now();
    const c = this.cursor('reviews');
    const full = c.fullAt === undefined || c.completeAt === undefined || started - c.fullAt >= this.opts.fullScanEveryMs;
    const body: GetGoodsFeedbacksBody = {
      reactionStatus: 'NEED_REACTION',
      ...(full ? {} : { dateTimeFrom: new Date(c.completeAt! - this.opts.lookbackMs).toISOString() }),
    };
    let token: string | undefined;
    let pages = 0;
    let seen = 0;
    const listed = new Set<number>();
    do {
      if (this.stop.signal.aborted) return;
      const page = await this.onWire(this.deps.market.listReviews(body, token));
      if (this.closed) return; // stopping: the database may be closed; the next start scans again
      for (const f of page.feedbacks) {
        listed.add(f.feedbackId);
        await this.admitReview(f);
      }
      seen += page.feedbacks.length;
      token = page.paging?.nextPageToken;
      pages++;
    } while (token && pages < this.opts.maxPagesPerScan);
    if (token) {
      this.deps.log.warn({ businessId: this.biz, pages }, 'review scan cut short; the rest comes with the next scans');
      return;
    }
    if (full) this.listed.review = listed;
    this.saveCursor('reviews', { completeAt: started, fullAt: full ? started : c.fullAt });
    this.deps.log.debug({ businessId: this.biz, reason, full, seen }, 'reviews scanned');
  }

  private async scanQuestions(reason: string): Promise<void> {
    const started = this.now();
    const c = this.cursor('questions');
    const full = c.fullAt === undefined || c.completeAt === undefined || started - c.fullAt >= this.opts.fullScanEveryMs;
    const from = full ? undefined : Math.max(c.completeAt! - this.opts.lookbackMs, started - QUESTION_WINDOW_MS);
    const body: GetGoodsQuestionsBody = { needAnswer: true, ...(from !== undefined ? { dateFrom: isoDate(from) } : {}) };
    let token: string | undefined;
    let pages = 0;
    const listed = new Set<number>();
    do {
      if (this.stop.signal.aborted) return;
      const page = await this.onWire(this.deps.market.listQuestions(body, token));
      if (this.closed) return;
      for (const q of page.questions) {
        listed.add(q.questionIdentifiers.id);
        this.admitQuestion(q);
      }
      token = page.paging?.nextPageToken;
      pages++;
    } while (token && pages < this.opts.maxPagesPerScan);
    if (token) {
      this.deps.log.warn({ businessId: this.biz, pages }, 'question scan cut short; the rest comes with the next scans');
      return;
    }
    if (full) this.listed.question = listed;
    this.saveCursor('questions', { completeAt: started, fullAt: full ? started : c.fullAt });
    this.deps.log.debug({ businessId: this.biz, reason, full }, 'questions scanned');
  }

  /**
   * A review Market listed. New and waiting for a reaction: recorded to be posted, with the comments it already has
   * shown inside its post (so they are not posted again as new). Known, with more comments than last seen: the new
   * buyer comments are recorded to go under its post.
   */
  private async admitReview(f: GoodsFeedback): Promise<void> {
    const key: PostKey = { businessId: this.biz, kind: 'review', targetId: f.feedbackId };
    const known = getPost(this.deps.db, key);
    if (!known) {
      if (!f.needReaction) return;
      const comments = f.statistics.commentsCount > 0 ? await this.commentsOf(f.feedbackId, 'sync') : [];
      const inline: InlineComment[] = comments.filter(isBuyerComment).map((c) => ({ author: c.author?.name, text: c.text }));
      this.deps.db.transaction(() => {
        recordPost(this.deps.db, { ...key, data: { ...f, inlineComments: inline } }, this.now());
        for (const cm of comments) {
          recordPost(
            this.deps.db,
            { businessId: this.biz, kind: 'comment', targetId: cm.id, parentId: f.feedbackId, data: cm, state: 'inline' },
            this.now(),
          );
        }
      });
      this.deps.log.info({ businessId: this.biz, feedbackId: f.feedbackId }, 'review recorded to be posted');
      return;
    }
    const before = (known.data as Partial<GoodsFeedback>).statistics?.commentsCount ?? 0;
    if (f.statistics.commentsCount > before) {
      await this.admitComments(await this.commentsOf(f.feedbackId, 'sync'));
      updatePost(this.deps.db, key, { data: { ...known.data, statistics: f.statistics } }, this.now());
    }
  }

  /** Buyer comments on reviews the bridge has posted, not seen before, are recorded to go under their review. */
  private async admitComments(comments: GoodsFeedbackComment[]): Promise<void> {
    for (const cm of comments) {
      if (!isBuyerComment(cm)) continue;
      const review = getPost(this.deps.db, { businessId: this.biz, kind: 'review', targetId: cm.feedbackId });
      if (!review) continue;
      if (knownCommentIds(this.deps.db, this.biz, cm.feedbackId).has(cm.id)) continue;
      if (recordPost(this.deps.db, { businessId: this.biz, kind: 'comment', targetId: cm.id, parentId: cm.feedbackId, data: cm }, this.now())) {
        this.deps.log.info({ businessId: this.biz, feedbackId: cm.feedbackId, commentId: cm.id }, 'buyer comment recorded to be posted');
      }
    }
  }

  private admitQuestion(q: GoodsQuestion): void {
    const key: PostKey = { businessId: this.biz, kind: 'question', targetId: q.questionIdentifiers.id };
    if (recordPost(this.deps.db, { ...key, data: q }, this.now())) {
      this.deps.log.info({ businessId: this.biz, questionId: key.targetId }, 'question recorded to be posted');
    }
  }

  /** Every comment of a review (all pages; pages come in no promised order, so all are read before use). */
  private async commentsOf(feedbackId: number, priority: 'relay' | 'sync'): Promise<GoodsFeedbackComment[]> {
    const out: GoodsFeedbackComment[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await this.onWire(this.deps.market.reviewComments({ feedbackId }, token, priority));
      if (this.closed) throw new Error('feedback desk closed');
      out.push(...page.comments);
      token = page.paging?.nextPageToken;
      pages++;
    } while (token && pages < this.opts.maxPagesPerScan);
    if (token) throw new MarketError('bad_response', 'no', { detail: 'too many pages of comments' });
    return out;
  }

  /**
   * A push notification: the item is fetched soon, in batches of up to 50 ids per request. Bounded: at most
   * maxPendingNotifications wait; more are dropped (the next scan brings them). Duplicates coalesce.
   */
  notified(e: FeedbackEvent): void {
    if (this.stop.signal.aborted) return;
    const set = this.pending[e.kind];
    if (!set.has(e.id)) {
      const waiting = this.pending.review.size + this.pending.comment.size + this.pending.question.size;
      if (waiting >= this.opts.maxPendingNotifications) {
        if (this.dropped++ % 100 === 0) {
          this.deps.log.warn({ businessId: this.biz, dropped: this.dropped }, 'review/question notifications dropped (too many waiting); polling brings them');
        }
        return;
      }
      set.add(e.id);
    }
    this.draining ??= this.track(this.drain()).finally(() => (this.draining = undefined));
  }

  /**
   * Reviews and questions answered or skipped in the cabinet (not from Telegram) would wait in Telegram forever: after
   * a complete full scan, posted ones it no longer listed are looked up by id (up to a page of each per scan; the
   * rest at the next full scan), and those Market says need nothing now stop waiting: their post says so, and they
   * leave the waiting list and the reminders. Items with an answer of ours under way are left to that answer.
   */
  private async settleElsewhere(): Promise<void> {
    const before = this.now() - this.opts.settleAfterMs;
    const answering = new Set(openAnswers(this.deps.db, this.biz).map((a) => `${a.kind}:${a.targetId}`));
    const candidates = (kind: 'review' | 'question', listed: Set<number> | undefined) =>
      listed === undefined
        ? []
        : postedBefore(this.deps.db, this.biz, kind, before)
            .filter((p) => !listed.has(p.targetId) && !answering.has(`${kind}:${p.targetId}`))
            .slice(0, PAGE);
    const reviews = candidates('review', this.listed.review);
    if (reviews.length > 0) {
      const page = await this.onWire(this.deps.market.listReviews({ feedbackIds: reviews.map((p) => p.targetId) }, undefined));
      if (this.closed) return;
      const waiting = new Set(page.feedbacks.filter((f) => f.needReaction).map((f) => f.feedbackId));
      for (const p of reviews) if (!waiting.has(p.targetId)) await this.settledInCabinet(p);
    }
    const questions = candidates('question', this.listed.question);
    if (questions.length > 0) {
      const page = await this.onWire(
        this.deps.market.listQuestions({ questionIds: questions.map((p) => p.targetId), needAnswer: true }, undefined),
      );
      if (this.closed) return;
      const waiting = new Set(page.questions.map((q) => q.questionIdentifiers.id));
      for (const p of questions) if (!waiting.has(p.targetId)) await this.settledInCabinet(p);
    }
  }

  private async settledInCabinet(p: FeedbackPostRow): Promise<void> {
    const key: PostKey = { businessId: this.biz, kind: p.kind, targetId: p.targetId };
    if (!movePost(this.deps.db, key, ['posted'], 'answered', this.now())) return;
    this.deps.log.info({ businessId: this.biz, kind: p.kind, id: p.targetId }, 'answered or skipped in the cabinet; no longer waits');
    await this.deps.target.settled(p, 'elsewhere').catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'could not update the post'));
  }

  private async drain(): Promise<void> {
    // Let a burst of notifications gather into one request.
    await sleep(0);
    while (!this.stop.signal.aborted) {
      const reviews = take(this.pending.review, PAGE);
      const comments = take(this.pending.comment, PAGE);
      const questions = take(this.pending.question, PAGE);
      if (reviews.length + comments.length + questions.length === 0) break;
      try {
        if (comments.length > 0) {
          const page = await this.onWire(this.deps.market.reviewComments({ commentIds: comments }, undefined, 'sync'));
          if (this.closed) return;
          for (const cm of page.comments) {
            // A comment on a review the bridge has not posted: the review is fetched (and posted if it needs a reaction).
            if (!getPost(this.deps.db, { businessId: this.biz, kind: 'review', targetId: cm.feedbackId })) this.pending.review.add(cm.feedbackId);
          }
          await this.admitComments(page.comments);
        }
        if (reviews.length > 0) {
          const page = await this.onWire(this.deps.market.listReviews({ feedbackIds: reviews }, undefined));
          if (this.closed) return;
          for (const f of page.feedbacks) await this.admitReview(f);
        }
        if (questions.length > 0) {
          const page = await this.onWire(this.deps.market.listQuestions({ questionIds: questions, needAnswer: true }, undefined));
          if (this.closed) return;
          for (const q of page.questions) this.admitQuestion(q);
        }
      } catch (err) {
        if (this.closed) return;
        const e = asMarketError(err);
        this.deps.log.warn({ businessId: this.biz, kind: e.kind, status: e.status }, 'notified review/question could not be read; polling brings it');
      }
      if (this.closed) return;
      await this.showPendingNow();
    }
  }

  // ------------------------------------------------------------------------------------------------ posting

  /** Posts what is recorded and not yet shown; one round at a time, a request meanwhile runs one more. */
  showPending(): void {
    void this.showPendingNow();
  }

  private showPendingNow(): Promise<void> {
    if (this.showing) {
      this.showAgain = true;
      return this.showing;
    }
    const run = this.track(
      (async () => {
        do {
          this.showAgain = false;
          await this.postAll();
        } while (this.showAgain && !this.stop.signal.aborted);
      })(),
    ).finally(() => (this.showing = undefined));
    this.showing = run;
    return run;
  }

  private async postAll(): Promise<void> {
    // The bot was removed or muted: everything stays recorded and is posted, in order, once it is back.
    if (this.deps.target.ready && !this.deps.target.ready()) return;
    for (const row of postsToShow(this.deps.db, this.biz)) {
      if (this.stop.signal.aborted) return;
      const key: PostKey = { businessId: row.businessId, kind: row.kind, targetId: row.targetId };
      let parent: FeedbackPostRow | undefined;
      if (row.kind === 'comment') {
        parent = getPost(this.deps.db, { businessId: row.businessId, kind: 'review', targetId: row.parentId ?? 0 });
        if (!parent || parent.tgMessageId === null) continue; // its review goes first
      }
      const mayRepeat = row.state === 'posting';
      if (!mayRepeat && !movePost(this.deps.db, key, ['pending'], 'posting', this.now())) continue;
      try {
        const at = await this.deps.target.post(row, { mayRepeat, parent });
        if (this.closed) return;
        updatePost(this.deps.db, key, { state: 'posted', ...at }, this.now());
      } catch (err) {
        if (this.closed) return;
        // Refused: not there, try again later as new. Anything else: it may be there; the next try says so.
        if (err instanceof PostRefused) movePost(this.deps.db, key, ['posting'], 'pending', this.now());
        this.deps.log.warn({ businessId: this.biz, kind: row.kind, targetId: row.targetId, err: String(err) }, 'could not post to Telegram; trying again later');
        return; // Telegram is unwell or the chat refuses: the rest waits for the next round, in order.
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- skipping

  /**
   * The seller pressed Skip on a review: Market marks it as needing no reaction, then the post says so. Repeating it
   * is harmless (Market only sets needReaction=false), so a failure is simply reported for another press.
   */
  async skip(feedbackId: number): Promise<{ ok: true } | { ok: false; already: true } | { ok: false; error: MarketError }> {
    const key: PostKey = { businessId: this.biz, kind: 'review', targetId: feedbackId };
    const row = getPost(this.deps.db, key);
    if (!row || row.state !== 'posted') return { ok: false, already: true };
    try {
      await this.deps.market.skipReviews([feedbackId]);
    } catch (err) {
      return { ok: false, error: asMarketError(err) };
    }
    if (movePost(this.deps.db, key, ['posted'], 'skipped', this.now())) {
      this.deps.log.info({ businessId: this.biz, feedbackId }, 'review skipped');
      await this.deps.target.settled(row, 'skipped').catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'could not update the review post'));
    }
    return { ok: true };
  }

  // ---------------------------------------------------------------------------------------------- answering

  /** The item a Telegram message stands for, if it is one of this shop's posts. */
  post(key: Omit<PostKey, 'businessId'>): FeedbackPostRow | undefined {
    return getPost(this.deps.db, { ...key, businessId: this.biz });
  }

  /**
   * Records a seller's answer and queues it. Undefined when this Telegram message was recorded before (a redelivered
   * update): nothing is sent again.
   */
  answer(input: Omit<NewFeedbackAnswer, 'businessId'>): FeedbackAnswerRow | undefined {
    const row = insertAnswer(this.deps.db, { ...input, businessId: this.biz }, this.now());
    if (!row) return undefined;
    this.deps.log.info({ answer: row.id, kind: row.kind, targetId: row.targetId }, 'answer recorded');
    this.enqueue(row);
    return row;
  }

  /** Records an answer refused before any request (empty, too long, a secret), already told to the seller. */
  recordRefusal(input: Omit<NewFeedbackAnswer, 'businessId'>, code: string, message: string): void {
    insertAnswer(
      this.deps.db,
      { ...input, businessId: this.biz, state: 'refused', errorCode: code, errorMessage: message, echoedAt: this.now() },
      this.now(),
    );
  }

  /** The answer recorded for a Telegram message, if any. */
  answerOfMessage(tgChatId: number, tgMessageId: number): FeedbackAnswerRow | undefined {
    return answerOfMessage(this.deps.db, tgChatId, tgMessageId);
  }

  /** One chain per review or question: its answers go one after another, in the order they were written. */
  private enqueue(row: FeedbackAnswerRow): void {
    const key = `${row.kind}:${row.targetId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.process(row.id))
      .catch((err: unknown) => this.deps.log.error({ err, answer: row.id }, 'answer processing crashed'));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async process(id: number): Promise<void> {
    let lastError: MarketError | undefined;
    for (;;) {
      if (this.stop.signal.aborted) return;
      let row = getAnswer(this.deps.db, id);
      if (!row || (row.state !== 'pending' && row.state !== 'sending')) return;
      if (row.state === 'sending') {
        // The last attempt may have reached Market: wait until it can no longer be at work, then look.
        const wait = (row.attemptStartedAt ?? 0) + this.opts.reconcileAfterMs - this.now();
        if (wait > 0) await this.pause(wait);
        if (this.stop.signal.aborted) return;
        const outcome = await this.reconcile(row);
        if (outcome === 'interrupted') return;
        if (outcome === 'delivered') return;
        if (outcome === 'unknown') return this.settle(row, 'unknown', lastError);
        if (row.attempts >= this.opts.maxAttempts) return this.settle(row, 'failed', lastError ?? new MarketError('timeout', 'maybe'));
      }
      row = moveAnswerBy(this.deps.db, id, 'attempt', { attempts: row.attempts + 1, attemptStartedAt: this.now() }, this.now());
      if (!row) return;
      try {
        const entityId = await this.onWire(this.send(row));
        if (this.closed) return;
        return this.delivered(row, entityId, 'accepted');
      } catch (err) {
        if (this.closed) return;
        const e = asMarketError(err);
        lastError = e;
        this.deps.log.warn({ answer: row.id, attempt: row.attempts, kind: e.kind, status: e.status, code: e.code, reach: e.reach }, 'answer attempt failed');
        if (e.kind === 'quota' || e.kind === 'rate_limited') {
          moveAnswerBy(this.deps.db, id, 'deferred', { attempts: row.attempts - 1, httpStatus: e.status ?? null, errorCode: e.code ?? null }, this.now());
          await this.pause(Math.max(0, (e.retryAt ?? this.now() + this.opts.rateLimitFallbackMs) - this.now()));
          continue;
        }
        if (e.reach === 'yes') return this.delivered(row, null, 'accepted');
        if (!e.transient) return this.settle(row, e.kind === 'rejected' ? 'refused' : 'failed', e);
        if (e.reach === 'no') {
          if (row.attempts >= this.opts.maxAttempts) return this.settle(row, 'failed', e);
          moveAnswerBy(this.deps.db, id, 'deferred', { httpStatus: e.status ?? null, errorCode: e.code ?? null }, this.now());
          await this.pause(this.opts.backoffMs(row.attempts));
          continue;
        }
        // reach === 'maybe': stays `sending`; the next round checks Market before anything is sent again.
        moveAnswerBy(this.deps.db, id, 'unanswered', { httpStatus: e.status ?? null, errorCode: e.code ?? null, errorMessage: e.detail ?? null }, this.now());
      }
    }
  }

  private async send(a: FeedbackAnswerRow): Promise<number | null> {
    if (a.kind === 'review') {
      const c = await this.deps.market.commentReview({
        feedbackId: a.targetId,
        comment: { text: a.text, ...(a.parentCommentId !== null ? { parentId: a.parentCommentId } : {}) },
      });
      return c.id;
    }
    return this.deps.market.answerQuestion(a.targetId, a.text);
  }

  /**
   * Did an attempt that may have reached Market arrive? Reads the review's comments (or the question's answers) and
   * counts the shop's ones with this text (and this parent) that no other answer of the bridge accounts for: more
   * than the bridge's own answers of that text with an unknown id means it arrived; none means it did not.
   */
  private async reconcile(a: FeedbackAnswerRow): Promise<Outcome> {
    for (let failures = 0; failures < this.opts.maxAttempts; ) {
      if (this.stop.signal.aborted) return 'interrupted';
      try {
        const found = await this.shopTexts(a);
        if (this.closed) return 'interrupted';
        const { attributed, unknown } = otherAnswers(this.deps.db, a);
        const mine = found.filter((f) => !attributed.has(f.id) && sameText(f.text, a.text));
        const outcome: Outcome = mine.length > unknown ? 'delivered' : mine.length === 0 ? 'not_delivered' : 'unknown';
        this.deps.log.info({ answer: a.id, seen: mine.length, unknown, outcome }, 'answer checked with Market');
        if (outcome === 'delivered') await this.delivered(a, mine[mine.length - 1]!.id, 'found');
        return outcome;
      } catch (err) {
        if (this.closed) return 'interrupted';
        const e = asMarketError(err);
        this.deps.log.warn({ answer: a.id, kind: e.kind, status: e.status }, 'answer check failed');
        if (e.kind === 'quota' || e.kind === 'rate_limited') {
          await this.pause(Math.max(0, (e.retryAt ?? this.now() + this.opts.rateLimitFallbackMs) - this.now()));
          continue;
        }
        if (!e.transient) return 'unknown';
        failures++;
        await this.pause(this.opts.backoffMs(failures));
      }
    }
    return this.stop.signal.aborted ? 'interrupted' : 'unknown';
  }

  /** The shop's comments on the review (with the answer's parent) or the shop's answers to the question. */
  private async shopTexts(a: FeedbackAnswerRow): Promise<{ id: number; text: string }[]> {
    if (a.kind === 'review') {
      const all = await this.commentsOf(a.targetId, 'relay');
      return all.filter(
        (c) => c.author?.type === 'BUSINESS' && (c.parentId ?? null) === (a.parentCommentId ?? null) && c.status !== 'DELETED',
      );
    }
    const out: { id: number; text: string }[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await this.onWire(this.deps.market.questionAnswers({ questionId: a.targetId }, token, 'relay'));
      out.push(...page.answers.filter((x) => x.author?.type === 'BUSINESS' && x.status !== 'DELETED'));
      token = page.paging?.nextPageToken;
      pages++;
    } while (token && pages < this.opts.maxPagesPerScan);
    if (token) throw new MarketError('bad_response', 'no', { detail: 'too many pages of answers' });
    return out;
  }

  private async delivered(a: FeedbackAnswerRow, entityId: number | null, how: 'accepted' | 'found'): Promise<void> {
    const row = moveAnswerBy(
      this.deps.db,
      a.id,
      how,
      { marketEntityId: entityId, httpStatus: null, errorCode: null, errorMessage: null },
      this.now(),
    );
    if (!row) return;
    this.deps.log.info({ answer: a.id, kind: a.kind, targetId: a.targetId, entityId, how }, 'answer delivered');
    const key: PostKey = { businessId: a.businessId, kind: a.kind, targetId: a.targetId };
    const post = getPost(this.deps.db, key);
    if (post && movePost(this.deps.db, key, ['posted'], 'answered', this.now())) {
      await this.deps.target.settled(post, 'answered').catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'could not update the post'));
    }
    await this.echo(row);
  }

  private async settle(a: FeedbackAnswerRow, event: 'refused' | 'failed' | 'unknown', e: MarketError | undefined): Promise<void> {
    const row = moveAnswerBy(
      this.deps.db,
      a.id,
      event,
      { httpStatus: e?.status ?? null, errorCode: e?.code ?? e?.kind ?? null, errorMessage: e?.detail ?? null },
      this.now(),
    );
    if (!row) return;
    this.deps.log.warn({ answer: a.id, state: row.state, kind: e?.kind, status: e?.status }, 'answer not delivered');
    await this.echo(row, e);
  }

  private catchUp(): void {
    if (this.stop.signal.aborted) return;
    for (const row of unechoedAnswers(this.deps.db, this.biz, this.now() - ECHO_CATCH_UP_MS)) {
      if (!this.echoing.has(row.id)) void this.echo(row);
    }
  }

  private async echo(row: FeedbackAnswerRow, e?: MarketError): Promise<void> {
    if (this.echoing.has(row.id)) return;
    this.echoing.add(row.id);
    try {
      const t = this.deps.target;
      const err = e ?? errorOfRow(row);
      const shown = await (row.state === 'delivered' ? t.delivered(row) : row.state === 'uncertain' ? t.uncertain(row, e) : t.failed(row, err)).catch(
        () => false,
      );
      if (shown && !this.closed) moveAnswer(this.deps.db, row.id, undefined, { echoedAt: this.now() }, this.now());
    } finally {
      this.echoing.delete(row.id);
    }
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return p;
  }

  private onWire<T>(p: Promise<T>): Promise<T> {
    return this.track(p);
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, this.stop.signal);
    } catch {
      // closing: the row stays as recorded and resumes at the next start
    }
  }
}

/** A comment by the buyer (or anyone but the shop), still visible. */
function isBuyerComment(c: GoodsFeedbackComment): boolean {
  return c.author?.type !== 'BUSINESS' && c.status !== 'DELETED' && c.status !== 'BANNED';
}

function take(set: Set<number>, n: number): number[] {
  const out: number[] = [];
  for (const id of set) {
    if (out.length >= n) break;
    out.push(id);
  }
  for (const id of out) set.delete(id);
  return out;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The failure a finished row records, rebuilt to show it again after a restart. */
function errorOfRow(row: FeedbackAnswerRow): MarketError {
  const info = { status: row.httpStatus ?? undefined, code: row.errorCode ?? undefined, detail: row.errorMessage ?? undefined };
  if (row.state === 'refused') return new MarketError('rejected', 'no', info);
  if (row.httpStatus === 401) return new MarketError('unauthorized', 'no', info);
  if (row.httpStatus === 403) return new MarketError('forbidden', 'no', info);
  if (row.httpStatus === 404) return new MarketError('not_found', 'no', info);
  return new MarketError(row.httpStatus !== null && row.httpStatus >= 500 ? 'server' : 'network', 'maybe', info);
}
