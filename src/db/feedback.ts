/**
 * Reviews and product questions in SQLite (schema.ts `feedback_posts`, `feedback_answers`): what was posted in
 * Telegram for which Market item, and the ledger of the seller's answers. Every Market id is keyed by business.
 */
import { and, asc, eq, gte, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import {
  feedbackAnswers,
  feedbackPosts,
  type FeedbackAnswerRow,
  type FeedbackAnswerState,
  type FeedbackKind,
  type FeedbackPostRow,
  type FeedbackPostState,
} from './schema.js';

export type { FeedbackAnswerRow, FeedbackAnswerState, FeedbackKind, FeedbackPostRow, FeedbackPostState };

export interface PostKey {
  businessId: number;
  kind: FeedbackKind;
  targetId: number;
}

const byKey = (k: PostKey) =>
  and(eq(feedbackPosts.businessId, k.businessId), eq(feedbackPosts.kind, k.kind), eq(feedbackPosts.targetId, k.targetId));

/** Records an item to post; false when it was recorded before (it is never posted twice). */
export function recordPost(
  db: Db,
  p: PostKey & { parentId?: number | null; data: Record<string, unknown>; state?: FeedbackPostState },
  now = Date.now(),
): boolean {
  const r = db
    .insert(feedbackPosts)
    .values({ ...p, parentId: p.parentId ?? null, state: p.state ?? 'pending', createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  return r.changes === 1;
}

export function getPost(db: Db, k: PostKey): FeedbackPostRow | undefined {
  return db.select().from(feedbackPosts).where(byKey(k)).get();
}

export function updatePost(
  db: Db,
  k: PostKey,
  patch: Partial<Pick<FeedbackPostRow, 'state' | 'data' | 'tgChatId' | 'tgMessageId' | 'tgThreadId'>>,
  now = Date.now(),
): void {
  db.update(feedbackPosts).set({ ...patch, updatedAt: now }).where(byKey(k)).run();
}

/** Moves a post from one of `from` to `to`; false if it was in another state. */
export function movePost(db: Db, k: PostKey, from: readonly FeedbackPostState[], to: FeedbackPostState, now = Date.now()): boolean {
  return (
    db
      .update(feedbackPosts)
      .set({ state: to, updatedAt: now })
      .where(and(byKey(k), inArray(feedbackPosts.state, [...from])))
      .run().changes === 1
  );
}

/** Items still to be posted (also after a restart), reviews and questions before the comments under them. */
export function postsToShow(db: Db, businessId: number): FeedbackPostRow[] {
  return db
    .select()
    .from(feedbackPosts)
    .where(and(eq(feedbackPosts.businessId, businessId), inArray(feedbackPosts.state, ['pending', 'posting'])))
    .orderBy(sql`case ${feedbackPosts.kind} when 'comment' then 1 else 0 end`, asc(feedbackPosts.createdAt), asc(feedbackPosts.targetId))
    .all();
}

/** The review, question or comment a Telegram message stands for. */
export function postOfMessage(db: Db, tgChatId: number, tgMessageId: number): FeedbackPostRow | undefined {
  return db
    .select()
    .from(feedbackPosts)
    .where(and(eq(feedbackPosts.tgChatId, tgChatId), eq(feedbackPosts.tgMessageId, tgMessageId)))
    .get();
}

/** Ids of the comments of one review the bridge has recorded (posted, inline or waiting). */
export function knownCommentIds(db: Db, businessId: number, feedbackId: number): Set<number> {
  const rows = db
    .select({ id: feedbackPosts.targetId })
    .from(feedbackPosts)
    .where(and(eq(feedbackPosts.businessId, businessId), eq(feedbackPosts.kind, 'comment'), eq(feedbackPosts.parentId, feedbackId)))
    .all();
  return new Set(rows.map((r) => r.id));
}

// ---- the answers ledger ----

export type NewFeedbackAnswer = Pick<
  FeedbackAnswerRow,
  'businessId' | 'kind' | 'targetId' | 'parentCommentId' | 'tgChatId' | 'tgMessageId' | 'tgThreadId' | 'tgUserId' | 'text'
>;

/** Records a seller's answer before anything is sent; undefined when this Telegram message was recorded before. */
export function insertAnswer(
  db: Db,
  a: NewFeedbackAnswer & Partial<Pick<FeedbackAnswerRow, 'state' | 'errorCode' | 'errorMessage' | 'echoedAt'>>,
  now = Date.now(),
): FeedbackAnswerRow | undefined {
  return db
    .insert(feedbackAnswers)
    .values({ state: 'pending', ...a, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: [feedbackAnswers.tgChatId, feedbackAnswers.tgMessageId] })
    .returning()
    .get();
}

export function getAnswer(db: Db, id: number): FeedbackAnswerRow | undefined {
  return db.select().from(feedbackAnswers).where(eq(feedbackAnswers.id, id)).get();
}

export function answerOfMessage(db: Db, tgChatId: number, tgMessageId: number): FeedbackAnswerRow | undefined {
  return db
    .select()
    .from(feedbackAnswers)
    .where(and(eq(feedbackAnswers.tgChatId, tgChatId), eq(feedbackAnswers.tgMessageId, tgMessageId)))
    .get();
}

/**
 * Changes answer `id` only if it is still in one of `from` (a compare-and-set, like the relay's), so two paths can
 * never both settle one answer. Without `from`, unconditionally.
 */
export function moveAnswer(
  db: Db,
  id: number,
  from: readonly FeedbackAnswerState[] | undefined,
  patch: Partial<Omit<FeedbackAnswerRow, 'id' | 'createdAt'>>,
  now = Date.now(),
): FeedbackAnswerRow | undefined {
  const where = from ? and(eq(feedbackAnswers.id, id), inArray(feedbackAnswers.state, [...from])) : eq(feedbackAnswers.id, id);
  return db
    .update(feedbackAnswers)
    .set({ ...patch, updatedAt: now })
    .where(where)
    .returning()
    .get();
}

/** Answers that still have to go out (or be checked), oldest first. */
export function openAnswers(db: Db, businessId: number): FeedbackAnswerRow[] {
  return db
    .select()
    .from(feedbackAnswers)
    .where(and(eq(feedbackAnswers.businessId, businessId), inArray(feedbackAnswers.state, ['pending', 'sending'])))
    .orderBy(asc(feedbackAnswers.id))
    .all();
}

/** Finished answers (since `since`) whose outcome the seller has not been shown. */
export function unechoedAnswers(db: Db, businessId: number, since: number): FeedbackAnswerRow[] {
  return db
    .select()
    .from(feedbackAnswers)
    .where(
      and(
        eq(feedbackAnswers.businessId, businessId),
        inArray(feedbackAnswers.state, ['delivered', 'refused', 'failed', 'uncertain']),
        isNull(feedbackAnswers.echoedAt),
        gte(feedbackAnswers.updatedAt, since),
      ),
    )
    .orderBy(asc(feedbackAnswers.id))
    .all();
}

/**
 * For checking whether answer `a` reached Market: the Market ids other answers to the same item were matched to
 * (they are not `a`), and how many delivered answers with the same text have no known id (each may be any of them).
 */
export function otherAnswers(db: Db, a: FeedbackAnswerRow): { attributed: Set<number>; unknown: number } {
  const rows = db
    .select({ id: feedbackAnswers.marketEntityId, text: feedbackAnswers.text })
    .from(feedbackAnswers)
    .where(
      and(
        eq(feedbackAnswers.businessId, a.businessId),
        eq(feedbackAnswers.kind, a.kind),
        eq(feedbackAnswers.targetId, a.targetId),
        eq(feedbackAnswers.state, 'delivered'),
        ne(feedbackAnswers.id, a.id),
      ),
    )
    .all();
  const attributed = new Set<number>();
  let unknown = 0;
  for (const r of rows) {
    if (r.id !== null) attributed.add(r.id);
    else if (r.text === a.text) unknown++;
  }
  return { attributed, unknown };
}

/** Reviews or questions shown in Telegram and still waiting there (state posted), recorded before `before`. */
export function postedBefore(db: Db, businessId: number, kind: 'review' | 'question', before: number): FeedbackPostRow[] {
  return db
    .select()
    .from(feedbackPosts)
    .where(
      and(
        eq(feedbackPosts.businessId, businessId),
        eq(feedbackPosts.kind, kind),
        eq(feedbackPosts.state, 'posted'),
        sql`${feedbackPosts.createdAt} < ${before}`,
      ),
    )
    .orderBy(asc(feedbackPosts.createdAt))
    .all();
}
