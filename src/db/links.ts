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

/** A Market chat as the bridge stores it: its id is unique only within its shop (business). */
export interface ChatRef {
  businessId: number;
  marketChatId: number;
}

export function threadChat(db: Db, key: ThreadKey): ChatRef | undefined {
  const stmt = cached(db, 'threads.chat', () =>
    db
      .select({ businessId: threads.businessId, marketChatId: threads.marketChatId })
      .from(threads)
      .where(and(eq(threads.tgChatId, sql.placeholder('tgChatId')), eq(threads.tgThreadId, sql.placeholder('tgThreadId'))))
      .prepare(),
  );
  return stmt.get({ tgChatId: key.tgChatId, tgThreadId: key.tgThreadId });
}

export function sameChat(a: ChatRef | undefined, b: ChatRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.businessId === b.businessId && a.marketChatId === b.marketChatId;
}

/** The topic of a Market chat in a Telegram chat, if it has one. */
export function chatThread(db: Db, tgChatId: number, chat: ChatRef): number | undefined {
  return db
    .select({ tgThreadId: threads.tgThreadId })
    .from(threads)
    .where(and(eq(threads.tgChatId, tgChatId), eq(threads.businessId, chat.businessId), eq(threads.marketChatId, chat.marketChatId)))
    .get()?.tgThreadId;
}

/**
 * Links a topic to a Market chat, replacing whatever the topic was linked to and moving the chat out of any other
 * topic of the same Telegram chat (a chat has one home thread). Returns the topic the chat was moved from.
 */
export function linkThread(
  db: Db,
  key: ThreadKey,
  chat: ChatRef,
  linkedBy: number | null,
  now = Date.now(),
): { movedFrom: number | undefined } {
  const { businessId, marketChatId } = chat;
  return db.transaction((tx) => {
    const previous = tx
      .select({ tgThreadId: threads.tgThreadId })
      .from(threads)
      .where(and(eq(threads.tgChatId, key.tgChatId), eq(threads.businessId, businessId), eq(threads.marketChatId, marketChatId)))
      .get()?.tgThreadId;
    if (previous !== undefined && previous !== key.tgThreadId) {
      tx.delete(threads)
        .where(and(eq(threads.tgChatId, key.tgChatId), eq(threads.tgThreadId, previous)))
        .run();
    }
    tx.insert(threads)
      .values({ ...key, businessId, marketChatId, linkedBy, createdAt: now })
      .onConflictDoUpdate({
        target: [threads.tgChatId, threads.tgThreadId],
        set: { businessId, marketChatId, linkedBy, createdAt: now },
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
  from: ChatRef,
  to: ChatRef,
  movedBy: number,
  now = Date.now(),
): { moved: false } | { moved: true; leftThread: number | undefined } {
  return db.transaction(() => {
    if (!sameChat(threadChat(db, key), from)) return { moved: false as const };
    return { moved: true as const, leftThread: linkThread(db, key, to, movedBy, now).movedFrom };
  });
}

/**
 * Links a topic the inbound sync just created, unless the chat already has a home in this Telegram chat: the unique
 * index threads_market_chat has the last word in a race. Returns the chat's topic (this one, or the winner).
 */
export function linkNewThread(db: Db, key: ThreadKey, chat: ChatRef, now = Date.now()): number {
  const inserted = db
    .insert(threads)
    .values({ ...key, ...chat, linkedBy: null, createdAt: now })
    .onConflictDoNothing()
    .returning({ tgThreadId: threads.tgThreadId })
    .get();
  return inserted?.tgThreadId ?? chatThread(db, key.tgChatId, chat) ?? key.tgThreadId;
}

export function unlinkThread(db: Db, key: ThreadKey): ChatRef | undefined {
  const row = db
    .delete(threads)
    .where(and(eq(threads.tgChatId, key.tgChatId), eq(threads.tgThreadId, key.tgThreadId)))
    .returning({ businessId: threads.businessId, marketChatId: threads.marketChatId })
    .get();
  return row;
}

export function addAnchor(
  db: Db,
  a: { tgChatId: number; tgMessageId: number; businessId: number; marketChatId: number; kind: AnchorKind },
  now = Date.now(),
): void {
  const stmt = cached(db, 'anchors.add', () =>
    db
      .insert(anchors)
      .values({
        tgChatId: sql.placeholder('tgChatId'),
        tgMessageId: sql.placeholder('tgMessageId'),
        businessId: sql.placeholder('businessId'),
        marketChatId: sql.placeholder('marketChatId'),
        kind: sql.placeholder('kind'),
        createdAt: sql.placeholder('createdAt'),
      } as unknown as typeof anchors.$inferInsert)
      .onConflictDoUpdate({
        target: [anchors.tgChatId, anchors.tgMessageId],
        set: { businessId: sql`excluded.business_id`, marketChatId: sql`excluded.market_chat_id`, kind: sql`excluded.kind` },
      })
      .prepare(),
  );
  stmt.run({ ...a, createdAt: now });
}

export function anchorChat(db: Db, tgChatId: number, tgMessageId: number): ChatRef | undefined {
  const stmt = cached(db, 'anchors.chat', () =>
    db
      .select({ businessId: anchors.businessId, marketChatId: anchors.marketChatId })
      .from(anchors)
      .where(and(eq(anchors.tgChatId, sql.placeholder('tgChatId')), eq(anchors.tgMessageId, sql.placeholder('tgMessageId'))))
      .prepare(),
  );
  return stmt.get({ tgChatId, tgMessageId });
}

/** Removes every reply anchor of a Market chat in a Telegram chat; returns how many there were. */
export function removeAnchors(db: Db, tgChatId: number, chat: ChatRef): number {
  return db
    .delete(anchors)
    .where(and(eq(anchors.tgChatId, tgChatId), eq(anchors.businessId, chat.businessId), eq(anchors.marketChatId, chat.marketChatId)))
    .run().changes;
}

/** Whether the bridge has anything to do with this Telegram chat (a link or an anchor). */
export function knowsChat(db: Db, tgChatId: number): boolean {
  // Asked by the gate for updates from groups: prepared once.
  const inThreads = cached(db, 'threads.knows', () =>
    db.select({ x: threads.tgChatId }).from(threads).where(eq(threads.tgChatId, sql.placeholder('c'))).limit(1).prepare(),
  );
  const inAnchors = cached(db, 'anchors.knows', () =>
    db.select({ x: anchors.tgChatId }).from(anchors).where(eq(anchors.tgChatId, sql.placeholder('c'))).limit(1).prepare(),
  );
  return inThreads.get({ c: tgChatId }) !== undefined || inAnchors.get({ c: tgChatId }) !== undefined;
}
