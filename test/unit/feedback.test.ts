/**
 * The FeedbackDesk's own rules with small in-memory fakes of its Market and Telegram sides (the end-to-end tests in
 * test/e2e/feedback.test.ts prove the wiring): the spec's length bounds, scan cursors, and the check that decides
 * whether an unanswered comment arrived.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANSWER_TRANSITIONS, checkAnswer, FeedbackDesk, type FeedbackMarket, type FeedbackTarget } from '../../src/bridge/feedback.js';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { getKv } from '../../src/db/kv.js';
import { createLogger } from '../../src/logger.js';
import { MarketError } from '../../src/market/errors.js';
import type { GoodsFeedback, GoodsFeedbackComment } from '../../src/market/feedback-types.js';

const log = createLogger({ level: 'silent', secrets: [] });
let dir: string | undefined;
let db: OpenDb | undefined;
let desk: FeedbackDesk | undefined;
afterEach(async () => {
  await desk?.close(0);
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  desk = db = dir = undefined;
});

function review(id: number, p: Partial<GoodsFeedback> = {}): GoodsFeedback {
  return {
    feedbackId: id,
    createdAt: '2026-11-30T10:00:00+03:00',
    needReaction: true,
    identifiers: { offerId: 'SKU' },
    statistics: { rating: 5, commentsCount: 0 },
    ...p,
  };
}

/** A Market with `reviews` split into pages of `pageSize`, whose comment writes and reads can be made to fail. */
function fakeMarket(o: { reviews: GoodsFeedback[]; pageSize?: number; comments?: GoodsFeedbackComment[]; commentFails?: MarketError[] }) {
  const calls: { op: string; body: unknown }[] = [];
  const comments = o.comments ?? [];
  const m: FeedbackMarket = {
    listReviews: async (body, token) => {
      calls.push({ op: 'listReviews', body });
      const start = Number(token ?? 0);
      const size = o.pageSize ?? 50;
      const next = start + size < o.reviews.length ? String(start + size) : undefined;
      return { feedbacks: o.reviews.slice(start, start + size), paging: next ? { nextPageToken: next } : {} };
    },
    reviewComments: async (body) => {
      calls.push({ op: 'reviewComments', body });
      return { comments: comments.filter((c) => c.feedbackId === body.feedbackId), paging: {} };
    },
    commentReview: async (body) => {
      calls.push({ op: 'commentReview', body });
      const fail = o.commentFails?.shift();
      if (fail) throw fail;
      const c = { id: 100 + comments.length, text: body.comment.text, status: 'PUBLISHED', feedbackId: body.feedbackId, author: { type: 'BUSINESS' } };
      comments.push(c);
      return c;
    },
    skipReviews: async () => undefined,
    listQuestions: async (body) => {
      calls.push({ op: 'listQuestions', body });
      return { questions: [], paging: {}, totalCount: 0 };
    },
    questionAnswers: async () => ({ answers: [], paging: {} }),
    answerQuestion: async () => 1,
  };
  return { m, calls, comments };
}

function fakeTarget() {
  const posted: number[] = [];
  const outcomes: string[] = [];
  let next = 1;
  const t: FeedbackTarget = {
    post: async (row) => {
      posted.push(row.targetId);
      return { tgChatId: -1, tgMessageId: next++, tgThreadId: null };
    },
    settled: async () => undefined,
    delivered: async (a) => (outcomes.push(`delivered:${a.text}`), true),
    failed: async (a, e) => (outcomes.push(`failed:${e.kind}`), true),
    uncertain: async () => (outcomes.push('uncertain'), true),
  };
  return { t, posted, outcomes };
}

function openDesk(market: FeedbackMarket, target: FeedbackTarget, options = {}): FeedbackDesk {
  dir ??= mkdtempSync(join(tmpdir(), 'feedback-unit-'));
  db ??= openDb(join(dir, 'bridge.sqlite'));
  desk = new FeedbackDesk({
    db: db.db,
    businessId: 777,
    market,
    target,
    log,
    options: { intervalMs: 0, reconcileAfterMs: 0, backoffMs: () => 0, maxPagesPerScan: 2, ...options },
  });
  return desk;
}

describe('checkAnswer', () => {
  it('holds a review comment to 1..4096 characters and a question answer to 1..5000, as the spec does', () => {
    expect(checkAnswer('review', 'a'.repeat(4096))).toBeUndefined();
    expect(checkAnswer('review', 'a'.repeat(4097))).toEqual({ reason: 'too_long', length: 4097, max: 4096 });
    expect(checkAnswer('question', 'a'.repeat(5000))).toBeUndefined();
    expect(checkAnswer('question', 'a'.repeat(5001))).toEqual({ reason: 'too_long', length: 5001, max: 5000 });
    expect(checkAnswer('question', ' \u200b\n')).toEqual({ reason: 'empty' });
  });
});

describe('ANSWER_TRANSITIONS', () => {
  it('never moves an answer out of a final state: a settled answer is never sent again', () => {
    const finals = ['delivered', 'refused', 'failed', 'uncertain'];
    for (const [event, t] of Object.entries(ANSWER_TRANSITIONS)) {
      expect(t.from.filter((f) => finals.includes(f)), event).toEqual([]);
    }
    // Only an attempt puts a request on the wire, and only from pending or sending (after a check said "not there").
    expect(Object.entries(ANSWER_TRANSITIONS).filter(([, t]) => t.to === 'sending').map(([e]) => e).sort()).toEqual(['attempt', 'unanswered']);
  });
});

describe('FeedbackDesk scans', () => {
  it('a scan cut short (more pages than it may read) posts what it read but keeps the old cursor; a complete one moves it', async () => {
    const market = fakeMarket({ reviews: [1, 2, 3, 4, 5].map((i) => review(i)), pageSize: 2 });
    const target = fakeTarget();
    const d = openDesk(market.m, target.t);
    await d.scan('test');
    await d.idle();
    expect(target.posted).toEqual([1, 2, 3, 4]);
    expect(getKv(db!.db, 'feedback.777.reviews.scan')).toBeUndefined();
    // Next time the listing is shorter (two were answered in the cabinet): the scan completes and sets the cursor.
    market.m.listReviews = async (body, token) => {
      market.calls.push({ op: 'listReviews', body });
      return token ? { feedbacks: [], paging: {} } : { feedbacks: [review(5), review(6)], paging: {} };
    };
    await d.scan('test');
    await d.idle();
    expect(target.posted).toEqual([1, 2, 3, 4, 5, 6]);
    const cursor = JSON.parse(getKv(db!.db, 'feedback.777.reviews.scan')!) as { completeAt: number; fullAt: number };
    expect(cursor.completeAt).toBe(cursor.fullAt);
    // The one after looks back from the last complete scan only.
    await d.scan('test');
    await d.idle();
    const last = market.calls.filter((c) => c.op === 'listReviews').at(-1)!.body as { dateTimeFrom?: string };
    expect(Date.parse(last.dateTimeFrom!)).toBe(cursor.completeAt - 3 * 24 * 3_600_000);
  });
});

describe('FeedbackDesk answers', () => {
  const input = { kind: 'review' as const, targetId: 9, parentCommentId: null, tgChatId: -1, tgMessageId: 50, tgThreadId: null, tgUserId: 1 };

  it('a shop comment with the same text that another answer already accounts for is not taken as this one: it is sent again', async () => {
    const market = fakeMarket({ reviews: [], commentFails: [new MarketError('server', 'maybe', { status: 500 })] });
    const target = fakeTarget();
    const d = openDesk(market.m, target.t);
    // A first "Thanks!" that arrived, then a second one whose request failed before Market stored it.
    d.answer({ ...input, text: 'Thanks!' });
    await d.idle();
    d.answer({ ...input, tgMessageId: 51, text: 'Thanks!' });
    await d.idle();
    expect(market.comments.map((c) => c.text)).toEqual(['Thanks!', 'Thanks!']);
    expect(market.calls.filter((c) => c.op === 'commentReview')).toHaveLength(3);
    expect(target.outcomes).toEqual(['delivered:Thanks!', 'delivered:Thanks!']);
  });

  it('a refusal (400) is final and told once; nothing is checked or resent', async () => {
    const market = fakeMarket({ reviews: [], commentFails: [new MarketError('rejected', 'no', { status: 400 })] });
    const target = fakeTarget();
    const d = openDesk(market.m, target.t);
    d.answer({ ...input, text: 'Call me' });
    await d.idle();
    expect(target.outcomes).toEqual(['failed:rejected']);
    expect(market.calls.map((c) => c.op)).toEqual(['commentReview']);
  });
});
