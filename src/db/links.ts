/**
 * Where each Market chat lives in Telegram: linked forum topics (`threads`) and the messages a reply can point to
 * (`anchors`). Finding the Market chat for a seller's message is one of these lookups.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { cached } from './prepared.js';
import { anchors, threads } from './schema.js';

export type AnchorKind = (typeof anchors.$inferInsert)['kind'];

export interface ThreadKey {
  tgChatId: number;
  tgThreadId: number;
}

export function threadChat(db: Db, key: ThreadKey): number | undefined {
  const stmt = cached(db, 'threads.chat', () =>
    db
      .select({ marketChatId: threads.marketChatId })
      .from(threads)
      .where(and(eq(threads.tgChatId, sql.placeholder('tgChatId')), eq(threads.tgThreadId, sql.placeholder('tgThreadId'))))
      .prepare(),
  );
  return stmt.get({ tgChatId: key.tgChatId, tgThreadId: key.tgThreadId })?.marketChatId;
}

/** The topic of `marketChatId` in a Telegram chat, if it has one. */
export function chatThread(db: Db, tgChatId: number, marketChatId: number): number | undefined {
  return db
    .select({ tgThreadId: threads.tgThreadId })
    .from(threads)
    .where(and(eq(threads.tgChatId, tgChatId), eq(threads.marketChatId, marketChatId)))
    .get()?.tgThreadId;
}

/**
 * Links a topic to a Market chat, replacing whatever the topic was linked to and moving the chat out of any other
 * topic of the same Telegram chat (a chat has one home thread). Returns the topic the chat was moved from.
 */
export function linkThread(
  db: Db,
  key: ThreadKey,
  marketChatId: number,
  linkedBy: number | null,
  now = Date.now(),
): { movedFrom: number | undefined } {
  return db.transaction((tx) => {
    const previous = tx
      .select({ tgThreadId: threads.tgThreadId })
      .from(threads)
      .where(and(eq(threads.tgChatId, key.tgChatId), eq(threads.marketChatId, marketChatId)))
      .get()?.tgThreadId;
    if (previous !== undefined && previous !== key.tgThreadId) {
      tx.delete(threads)
        .where(and(eq(threads.tgChatId, key.tgChatId), eq(threads.tgThreadId, previous)))
        .run();
    }
    tx.insert(threads)
      .values({ ...key, marketChatId, linkedBy, createdAt: now })
      .onConflictDoUpdate({
        target: [threads.tgChatId, threads.tgThreadId],
        set: { marketChatId, linkedBy, createdAt: now },
      })
      .run();
    return { movedFrom: previous !== key.tgThreadId ? previous : undefined };
  });
}

/**
 * Moves a linked topic from Market chat `from` to `to`, confirmed by a person, only if the topic still belongs to
 * `from` (a question answered late must not undo a later change). `to` leaves its previous topic here, if any
 * (one topic per chat); `from` keeps its reply anchors, so a reply to one of its messages still reaches its buyer.
 */
export function moveThread(
  db: Db,
  key: ThreadKey,
  from: number,
  to: number,
  movedBy: number,
  now = Date.now(),
): { moved: false } | { moved: true; leftThread: number | undefined } {
  return db.transaction(() => {
    if (threadChat(db, key) !== from) return { moved: false as const };
    return { moved: true as const, leftThread: linkThread(db, key, to, movedBy, now).movedFrom };
  });
}

/**
 * Links a topic the inbound sync just created, unless the chat already has a home in this Telegram chat: the unique
 * index threads_market_chat has the last word in a race. Returns the chat's topic (this one, or the winner).
 */
export function linkNewThread(db: Db, key: ThreadKey, marketChatId: number, now = Date.now()): number {
  const inserted = db
    .insert(threads)
    .values({ ...key, marketChatId, linkedBy: null, createdAt: now })
    .onConflictDoNothing()
    .returning({ tgThreadId: threads.tgThreadId })
    .get();
  return inserted?.tgThreadId ?? chatThread(db, key.tgChatId, marketChatId) ?? key.tgThreadId;
}

export function unlinkThread(db: Db, key: ThreadKey): number | undefined {
  const row = db
    .delete(threads)
    .where(and(eq(threads.tgChatId, key.tgChatId), eq(threads.tgThreadId, key.tgThreadId)))
    .returning({ marketChatId: threads.marketChatId })
    .get();
  return row?.marketChatId;
}

export function addAnchor(
  db: Db,
  a: { tgChatId: number; tgMessageId: number; marketChatId: number; kind: AnchorKind },
  now = Date.now(),
): void {
  const stmt = cached(db, 'anchors.add', () =>
    db
      .insert(anchors)
      .values({
        tgChatId: sql.placeholder('tgChatId'),
        tgMessageId: sql.placeholder('tgMessageId'),
        marketChatId: sql.placeholder('marketChatId'),
        kind: sql.placeholder('kind'),
        createdAt: sql.placeholder('createdAt'),
      } as unknown as typeof anchors.$inferInsert)
      .onConflictDoUpdate({
        target: [anchors.tgChatId, anchors.tgMessageId],
        set: { marketChatId: sql`excluded.market_chat_id`, kind: sql`excluded.kind` },
      })
      .prepare(),
  );
  stmt.run({ ...a, createdAt: now });
}

export function anchorChat(db: Db, tgChatId: number, tgMessageId: number): number | undefined {
  const stmt = cached(db, 'anchors.chat', () =>
    db
      .select({ marketChatId: anchors.marketChatId })
      .from(anchors)
      .where(and(eq(anchors.tgChatId, sql.placeholder('tgChatId')), eq(anchors.tgMessageId, sql.placeholder('tgMessageId'))))
      .prepare(),
  );
  return stmt.get({ tgChatId, tgMessageId })?.marketChatId;
}

/** Removes every reply anchor of `marketChatId` in a Telegram chat; returns how many there were. */
export function removeAnchors(db: Db, tgChatId: number, marketChatId: number): number {
  return db
    .delete(anchors)
    .where(and(eq(anchors.tgChatId, tgChatId), eq(anchors.marketChatId, marketChatId)))
    .run().changes;
}

/** Whether the bridge has anything to do with this Telegram chat (a link or an anchor). */
export function knowsChat(db: Db, tgChatId: number): boolean {
  return (
    db.select({ x: threads.tgChatId }).from(threads).where(eq(threads.tgChatId, tgChatId)).limit(1).get() !== undefined ||
    db.select({ x: anchors.tgChatId }).from(anchors).where(eq(anchors.tgChatId, tgChatId)).limit(1).get() !== undefined
  );
}
