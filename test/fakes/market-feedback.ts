/**
 * The fake Market's reviews (goods feedback) and product questions (goods questions), hooked into market.ts. The
 * requests are already validated against the spec there; the answers built here are checked against the spec too
 * (a wrong one lands in the fake's violations), so a test never passes on an answer the real Market cannot give.
 *
 * Modelled from the spec and NOTES.md, awkward parts included:
 *  - whole-second timestamps with Moscow's offset;
 *  - pages in no promised order (each page's items come reversed; the bridge must read them all before deciding);
 *  - `needReaction` turns false once the shop comments or skips; `needAnswer` once the shop answers;
 *  - comments on reviews are refused (400) when they carry contact details or links to other sites than Market;
 *  - windows: reviews at most 6 months (default the 6 months before dateTimeTo, both ends exclusive), questions at
 *    most a month (default the month before dateTo);
 *  - `feedbackIds` must not be combined with other filters, nor `feedbackId` with `commentIds`.
 * Lost answers (the comment stored, the answer dropped) come from the fake's fault queue (`afterProcess`).
 */
import type { components } from '../../src/market/schema.js';
import { MarketSpec, type OperationId } from './market-spec.js';
import { BadRequest, NotFound, isoWithOffset } from './market-state.js';
import type { ValidationResult } from './market-spec.js';

type S = components['schemas'];
export type FakeReview = S['GoodsFeedbackDTO'];
export type FakeReviewComment = S['GoodsFeedbackCommentDTO'];
export type FakeQuestion = S['QuestionDTO'];
export type FakeAnswer = S['AnswerDTO'];

export const FEEDBACK_OPS = [
  'getGoodsFeedbacks',
  'getGoodsFeedbackComments',
  'updateGoodsFeedbackComment',
  'skipGoodsFeedbacksReaction',
  'getGoodsQuestions',
  'getGoodsQuestionAnswers',
  'updateGoodsQuestionTextEntity',
] as const satisfies readonly OperationId[];
export type FeedbackOp = (typeof FEEDBACK_OPS)[number];

export function isFeedbackOp(id: OperationId): id is FeedbackOp {
  return (FEEDBACK_OPS as readonly string[]).includes(id);
}

interface Reply {
  status: number;
  body: unknown;
}

const DAY_MS = 24 * 3_600_000;
const SIX_MONTHS_MS = 183 * DAY_MS;
const MONTH_MS = 31 * DAY_MS;

/** What Market's moderation refuses in a shop's comment: phones, e-mails, messengers, links off Market. */
const CONTACTS = /(\+?\d[\d\s()-]{8,}\d)|([\w.+-]+@[\w-]+\.[\w.]+)|(t\.me\/|wa\.me\/|telegram|whatsapp)/i;
const LINK = /(https?:\/\/|www\.)(?![^\s]*market\.yandex\.ru)/i;

export class FakeFeedback {
  private readonly reviews = new Map<number, FakeReview & { createdMs: number; deleted?: boolean }>();
  private readonly comments = new Map<number, FakeReviewComment>();
  private readonly questions = new Map<number, FakeQuestion & { createdMs: number }>();
  private readonly answers = new Map<number, FakeAnswer>();
  private nextReview = 5_000_001;
  private nextComment = 7_000_001;
  private nextQuestion = 9_000_001;
  private nextAnswer = 11_000_001;

  constructor(
    private readonly now: () => number,
    private readonly businessId: number,
    private readonly spec: MarketSpec,
    /** Told of every answer of ours that breaks the spec. */
    private readonly violation: (op: FeedbackOp, reasons: string[]) => void,
  ) {}

  // ---- state helpers for tests ----

  addReview(p: {
    rating?: number;
    comment?: string;
    advantages?: string;
    disadvantages?: string;
    offerId?: string;
    orderId?: number;
    author?: string;
    photos?: string[];
    /** How long ago it was written (default a minute). */
    agoMs?: number;
    needReaction?: boolean;
  } = {}): FakeReview {
    const createdMs = this.now() - (p.agoMs ?? 60_000);
    const description = {
      ...(p.comment !== undefined ? { comment: p.comment } : {}),
      ...(p.advantages !== undefined ? { advantages: p.advantages } : {}),
      ...(p.disadvantages !== undefined ? { disadvantages: p.disadvantages } : {}),
    };
    const r = {
      feedbackId: this.nextReview++,
      createdAt: this.iso(createdMs),
      needReaction: p.needReaction ?? true,
      identifiers: { offerId: p.offerId ?? 'SKU-1', ...(p.orderId !== undefined ? { orderId: p.orderId } : {}) },
      ...(p.author !== undefined ? { author: p.author } : {}),
      ...(Object.keys(description).length > 0 ? { description } : {}),
      ...(p.photos ? { media: { photos: p.photos } } : {}),
      statistics: { rating: p.rating ?? 5, commentsCount: 0 },
      createdMs,
    };
    this.reviews.set(r.feedbackId, r);
    return this.publicReview(r);
  }

  /** A comment by the buyer (USER) unless said otherwise. */
  addReviewComment(feedbackId: number, p: { text: string; authorType?: 'USER' | 'BUSINESS' | 'BRAND'; name?: string; parentId?: number }): FakeReviewComment {
    const review = this.reviews.get(feedbackId);
    if (!review) throw new Error(`no review ${feedbackId}`);
    const c: FakeReviewComment = {
      id: this.nextComment++,
      text: p.text,
      author: { type: p.authorType ?? 'USER', name: p.name ?? (p.authorType === 'BUSINESS' ? 'Test business' : 'Ivan') },
      status: 'PUBLISHED',
      feedbackId,
      canModify: p.authorType === 'BUSINESS',
      ...(p.parentId !== undefined ? { parentId: p.parentId } : {}),
    };
    this.comments.set(c.id, c);
    review.statistics.commentsCount++;
    if (p.authorType === 'BUSINESS') review.needReaction = false;
    return c;
  }

  /** The shop skips the review in the cabinet (not through the API the bridge uses). */
  skipInCabinet(feedbackId: number): void {
    const review = this.reviews.get(feedbackId);
    if (!review) throw new Error(`no review ${feedbackId}`);
    review.needReaction = false;
  }

  /** The shop answers the question in the cabinet. */
  answerInCabinet(questionId: number, text: string): void {
    if (!this.questions.has(questionId)) throw new Error(`no question ${questionId}`);
    const a: FakeAnswer = {
      id: this.nextAnswer++,
      text,
      canModify: true,
      author: { type: 'BUSINESS', name: 'Test business' },
      status: 'PUBLISHED',
      questionId,
      createdAt: this.iso(this.now()),
      votes: { likes: 0, dislikes: 0 },
    } as FakeAnswer;
    this.answers.set(a.id, a);
  }

  addQuestion(p: { text?: string; offerId?: string; author?: string; agoMs?: number } = {}): FakeQuestion {
    const createdMs = this.now() - (p.agoMs ?? 60_000);
    const q = {
      questionIdentifiers: { id: this.nextQuestion++, offerId: p.offerId ?? 'SKU-1' },
      businessId: this.businessId,
      text: p.text ?? 'Is it waterproof?',
      createdAt: this.iso(createdMs),
      votes: { likes: 0, dislikes: 0 },
      author: { type: 'USER' as const, name: p.author ?? 'Olga' },
      createdMs,
    };
    this.questions.set(q.questionIdentifiers.id, q);
    return this.publicQuestion(q);
  }

  review(id: number): FakeReview | undefined {
    const r = this.reviews.get(id);
    return r && this.publicReview(r);
  }

  commentsOf(feedbackId: number): FakeReviewComment[] {
    return [...this.comments.values()].filter((c) => c.feedbackId === feedbackId).sort((a, b) => a.id - b.id);
  }

  /** The shop's comments on a review, in order. */
  shopComments(feedbackId: number): string[] {
    return this.commentsOf(feedbackId)
      .filter((c) => c.author?.type === 'BUSINESS')
      .map((c) => c.text);
  }

  answersOf(questionId: number): FakeAnswer[] {
    return [...this.answers.values()].filter((a) => a.questionId === questionId).sort((a, b) => a.id - b.id);
  }

  // ---- the operations ----

  execute(id: FeedbackOp, v: ValidationResult): Reply {
    const reply = this.run(id, v);
    if (reply.status === 200) {
      const errors = this.spec.responseErrors(id, 200, reply.body);
      if (errors.length > 0) this.violation(id, errors.map((e) => `answer of the fake: ${e}`));
    }
    return reply;
  }

  private run(id: FeedbackOp, v: ValidationResult): Reply {
    const q = v.params;
    const limit = Number(q.limit ?? 25);
    const body = (v.json ?? {}) as Record<string, unknown>;
    switch (id) {
      case 'getGoodsFeedbacks': {
        const b = body as S['GetGoodsFeedbackRequest'];
        let list: (FakeReview & { createdMs: number; deleted?: boolean })[];
        if (b.feedbackIds) {
          const others = Object.keys(b).filter((k) => k !== 'feedbackIds');
          if (others.length > 0) throw new BadRequest(`feedbackIds cannot be combined with ${others.join(', ')}`);
          list = b.feedbackIds.map((fid) => this.reviews.get(fid)).filter((r) => r !== undefined);
        } else {
          const to = b.dateTimeTo !== undefined ? Date.parse(b.dateTimeTo) : this.now() + 1000;
          const from = b.dateTimeFrom !== undefined ? Date.parse(b.dateTimeFrom) : to - SIX_MONTHS_MS;
          if (to - from > SIX_MONTHS_MS) throw new BadRequest('the period must not be longer than 6 months');
          list = [...this.reviews.values()].filter(
            (r) =>
              r.createdMs > from &&
              r.createdMs < to &&
              (b.reactionStatus !== 'NEED_REACTION' || r.needReaction) &&
              (!b.ratingValues || b.ratingValues.includes(r.statistics.rating)),
          );
        }
        // Publication order, newest first.
        list = list.filter((r) => !r.deleted).sort((a, b2) => b2.createdMs - a.createdMs || b2.feedbackId - a.feedbackId);
        const page = this.page(list, q.pageToken, limit);
        return ok({ feedbacks: page.items.map((r) => this.publicReview(r)), paging: page.paging });
      }
      case 'getGoodsFeedbackComments': {
        const b = body as S['GetGoodsFeedbackCommentsRequest'];
        if (b.feedbackId !== undefined && b.commentIds) throw new BadRequest('feedbackId cannot be combined with commentIds');
        let list: FakeReviewComment[];
        if (b.feedbackId !== undefined) {
          const r = this.reviews.get(b.feedbackId);
          if (!r || r.deleted) throw new NotFound(`Feedback ${b.feedbackId} not found`);
          list = this.commentsOf(b.feedbackId);
        } else if (b.commentIds) {
          list = b.commentIds.map((cid) => this.comments.get(cid)).filter((c) => c !== undefined);
        } else {
          list = [...this.comments.values()];
        }
        list = list.filter((c) => c.status !== 'DELETED' && !this.reviews.get(c.feedbackId)?.deleted);
        const page = this.page(list, q.pageToken, limit);
        return ok({ comments: page.items, paging: page.paging });
      }
      case 'updateGoodsFeedbackComment': {
        const b = body as S['UpdateGoodsFeedbackCommentRequest'];
        const review = this.reviews.get(b.feedbackId);
        if (!review || review.deleted) throw new NotFound(`Feedback ${b.feedbackId} not found`);
        const text = b.comment.text;
        if (CONTACTS.test(text)) throw new BadRequest('Comment must not contain contact information');
        if (LINK.test(text)) throw new BadRequest('Comment must not contain links to third-party sites');
        if (b.comment.id !== undefined) {
          const existing = this.comments.get(b.comment.id);
          if (!existing || existing.feedbackId !== b.feedbackId) throw new NotFound(`Comment ${b.comment.id} not found`);
          existing.text = text;
          return ok(existing);
        }
        if (b.comment.parentId !== undefined) {
          const parent = this.comments.get(b.comment.parentId);
          if (!parent || parent.feedbackId !== b.feedbackId) throw new NotFound(`Comment ${b.comment.parentId} not found`);
        }
        const c = this.addReviewComment(b.feedbackId, {
          text,
          authorType: 'BUSINESS',
          ...(b.comment.parentId !== undefined ? { parentId: b.comment.parentId } : {}),
        });
        return ok(c);
      }
      case 'skipGoodsFeedbacksReaction': {
        const b = body as S['SkipGoodsFeedbackReactionRequest'];
        for (const fid of b.feedbackIds) {
          const r = this.reviews.get(fid);
          if (!r || r.deleted) throw new NotFound(`Feedback ${fid} not found`);
        }
        for (const fid of b.feedbackIds) this.reviews.get(fid)!.needReaction = false;
        return { status: 200, body: { status: 'OK' } };
      }
      case 'getGoodsQuestions': {
        const b = body as S['GetQuestionsRequest'];
        let list = [...this.questions.values()];
        if (b.questionIds) list = list.filter((x) => b.questionIds!.includes(x.questionIdentifiers.id));
        else {
          const to = b.dateTo !== undefined ? Date.parse(b.dateTo) + DAY_MS : this.now() + 1000;
          const from = b.dateFrom !== undefined ? Date.parse(b.dateFrom) : to - MONTH_MS;
          if (to - from > MONTH_MS + DAY_MS) throw new BadRequest('the period must not be longer than 1 month');
          list = list.filter((x) => x.createdMs >= from && x.createdMs < to);
        }
        if (b.needAnswer) list = list.filter((x) => !this.answersOf(x.questionIdentifiers.id).some((a) => a.author?.type === 'BUSINESS'));
        list.sort((a, b2) => (b.sort === 'CREATED_AT_ASC' ? a.createdMs - b2.createdMs : b2.createdMs - a.createdMs));
        const page = this.page(list, q.pageToken, limit);
        return ok({ questions: page.items.map((x) => this.publicQuestion(x)), paging: page.paging, totalCount: list.length });
      }
      case 'getGoodsQuestionAnswers': {
        const b = body as S['GetAnswersRequest'];
        if (b.questionId !== undefined && b.answerIds) throw new BadRequest('questionId cannot be combined with answerIds');
        let list: FakeAnswer[];
        if (b.questionId !== undefined) {
          if (!this.questions.has(b.questionId)) throw new NotFound(`Question ${b.questionId} not found`);
          list = this.answersOf(b.questionId);
        } else list = (b.answerIds ?? []).map((aid) => this.answers.get(aid)).filter((a) => a !== undefined);
        const page = this.page(list, q.pageToken, limit);
        return ok({ answers: page.items, paging: page.paging });
      }
      case 'updateGoodsQuestionTextEntity': {
        const b = body as S['UpdateGoodsQuestionTextEntityRequest'];
        if (b.operationType !== 'CREATE' || b.parentEntityId?.type !== 'QUESTION') {
          throw new BadRequest('the fake only models answering a question (CREATE with a QUESTION parent)');
        }
        if (b.text === undefined) throw new BadRequest('text is required for CREATE');
        const question = this.questions.get(b.parentEntityId.id);
        if (!question) throw new NotFound(`Question ${b.parentEntityId.id} not found`);
        const a: FakeAnswer = {
          id: this.nextAnswer++,
          text: b.text,
          canModify: true,
          author: { type: 'BUSINESS', name: 'Test business' },
          status: 'PUBLISHED',
          questionId: question.questionIdentifiers.id,
          createdAt: this.iso(this.now()),
          votes: { likes: 0, dislikes: 0 },
        };
        this.answers.set(a.id, a);
        return ok({ entity: { id: a.id, type: 'ANSWER' } });
      }
    }
  }

  /** Offset pages; each page's items come reversed (pages promise no order). */
  private page<T>(list: T[], token: string | undefined, limit: number): { items: T[]; paging: { nextPageToken?: string } } {
    let offset = 0;
    if (token !== undefined) {
      const m = /^fb-(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!m) throw new BadRequest('pageToken is invalid');
      offset = Number(m[1]);
    }
    const items = list.slice(offset, offset + limit).reverse();
    const next = offset + limit < list.length ? Buffer.from(`fb-${offset + limit}`).toString('base64url') : undefined;
    return { items, paging: next ? { nextPageToken: next } : {} };
  }

  private iso(ms: number): string {
    return isoWithOffset(Math.floor(ms / 1000) * 1000);
  }

  private publicReview(r: FakeReview & { createdMs: number; deleted?: boolean }): FakeReview {
    const { createdMs: _c, deleted: _d, ...rest } = r;
    return structuredClone(rest);
  }

  private publicQuestion(q: FakeQuestion & { createdMs: number }): FakeQuestion {
    const { createdMs: _c, ...rest } = q;
    return structuredClone(rest);
  }
}

function ok(result: unknown): Reply {
  return { status: 200, body: { status: 'OK', result } };
}
