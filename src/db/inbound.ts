/**
 * The inbound sync's tables (see schema.ts `market_chats`, `inbound_messages`): what the bridge knows about each
 * Market chat, and every history message it recorded with how far it got into Telegram.
 */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, not, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import {
  inboundMessages,
  marketChats,
  relays,
  threads,
  type InboundMessageRow,
  type InboundState,
  type MarketChatRow,
} from './schema.js';
import { sameText } from '../text-compare.js';

export type { InboundMessageRow, MarketChatRow };

/** What Market says about a chat, as the sync stores it. */
export interface ChatFacts {
  marketChatId: number;
  type: string;
  status: string;
  contextType: string;
  orderId: number | null;
  returnId: number | null;
  customerName: string | null;
  marketCreatedAt: string | null;
}

/** A history message about to be recorded. */
export interface NewInbound {
  marketMessageId: number;
  sender: string;
  createdAt: number;
  text: string | null;
  files: { name: string; url: string; size: number }[] | null;
}

/** A relay's attempt started at most this long (plus clock skew) before Market dated its message. */
const OWN_RELAY_LOOKBACK_MS = 60 * 60_000;

/** States of relays whose text may already be in Market's history (sent, or possibly sent). */
const MATCHABLE_RELAY_STATES = ['delivered', 'sending', 'uncertain'] as const;

/** Rows of one shop: a Market chat id is unique only within its business. */
const ofShop = (businessId: number) => eq(marketChats.businessId, businessId);
const chatKey = (businessId: number, marketChatId: number) =>
  and(eq(marketChats.businessId, businessId), eq(marketChats.marketChatId, marketChatId));

export function getMarketChat(db: Db, businessId: number, marketChatId: number): MarketChatRow | undefined {
  return db.select().from(marketChats).where(chatKey(businessId, marketChatId)).get();
}

/** The stored rows of the chats on one page of the chat list. */
export function marketChatsIn(db: Db, businessId: number, ids: readonly number[]): Map<number, MarketChatRow> {
  if (ids.length === 0) return new Map();
  const rows = db.select().from(marketChats).where(and(ofShop(businessId), inArray(marketChats.marketChatId, [...ids]))).all();
  return new Map(rows.map((r) => [r.marketChatId, r]));
}

/**
 * Remembers a chat without reading its history: its current state counts as seen, so only what comes after
 * `updatedAt` will be shown (chats that were already quiet when the bridge first ran).
 */
export function rememberQuietChat(db: Db, businessId: number, facts: ChatFacts, updatedAt: number, now = Date.now()): void {
  db.insert(marketChats)
    .values({ ...facts, businessId, marketUpdatedAt: updatedAt, shownFrom: updatedAt, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
}

export interface SyncRecord {
  facts: ChatFacts;
  /** Market's updatedAt the sync has now caught up with; undefined keeps the stored cursor. */
  marketUpdatedAt: number | undefined;
  /** For a chat seen for the first time: older messages are not shown. */
  shownFrom: number | null | undefined;
  messages: NewInbound[];
  /** Messages read but left out because they are older than shownFrom. */
  skipped: number;
  /** Highest message id read (recorded or skipped). */
  lastMessageId: number | undefined;
  /** Until when an unchanged updatedAt still needs a read (sync-rules confirmUpdatedAt); undefined keeps it. */
  recheckAfter?: number | null;
  /**
   * Set when the read was cut short: where the next pass continues. The history cursor then stays where it was, so
   * the messages recorded now wait (unposted) until the read ends; pages come in no promised order.
   */
  resumeFrom?: string;
  /** How far Market's clock and the bridge's may differ when matching the bridge's own relays. */
  clockSkewMs: number;
}

/**
 * Records one sync of a chat in a single transaction: the chat's facts, the cursors, and the new messages. A
 * PARTNER message that is one of the bridge's own relays is recorded as `own` (and the relay remembers it), so it
 * is not shown twice; every other message is `pending` until it is in Telegram.
 */
export function recordSync(db: Db, businessId: number, r: SyncRecord, now = Date.now()): void {
  db.transaction((tx) => {
    const before = tx.select().from(marketChats).where(chatKey(businessId, r.facts.marketChatId)).get();
    // The highest id read by this pass and by the earlier passes of a read that was cut short.
    const readMax = Math.max(r.lastMessageId ?? 0, before?.historyResume?.maxId ?? 0);
    const history =
      r.resumeFrom !== undefined
        ? { historyResume: { pageToken: r.resumeFrom, maxId: readMax } }
        : {
            historyResume: null,
            ...(readMax > 0 ? { lastMessageId: Math.max(readMax, before?.lastMessageId ?? 0) } : {}),
          };
    const cursor = {
      ...(r.marketUpdatedAt !== undefined ? { marketUpdatedAt: r.marketUpdatedAt } : {}),
      ...(r.recheckAfter !== undefined ? { marketUpdatedRecheckAfter: r.recheckAfter } : {}),
      ...history,
      skippedMessages: (before?.skippedMessages ?? 0) + r.skipped,
    };
    tx.insert(marketChats)
      .values({ ...r.facts, businessId, ...cursor, shownFrom: r.shownFrom ?? null, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [marketChats.businessId, marketChats.marketChatId], set: { ...r.facts, ...cursor, updatedAt: now } })
      .run();

    for (const m of r.messages) {
      let state: InboundState = 'pending';
      let relayId: number | null = null;
      if (m.sender === 'PARTNER') {
        const own = findOwnRelay(tx, businessId, r.facts.marketChatId, m, r.clockSkewMs);
        if (own !== undefined) {
          state = 'own';
          relayId = own;
        }
      }
      const inserted = tx
        .insert(inboundMessages)
        .values({
          businessId,
          marketChatId: r.facts.marketChatId,
          marketMessageId: m.marketMessageId,
          sender: m.sender,
          createdAt: m.createdAt,
          text: m.text,
          files: m.files ? JSON.stringify(m.files) : null,
          state,
          relayId,
          recordedAt: now,
        })
        .onConflictDoNothing()
        .run().changes;
      if (inserted === 1 && relayId !== null) {
        tx.update(relays)
          .set({ marketMessageId: m.marketMessageId })
          .where(and(eq(relays.id, relayId), isNull(relays.marketMessageId)))
          .run();
      }
    }
  });
}

/**
 * The oldest relay of this chat that this history message can be: same text (or file name), attempted no later
 * than the message appeared (allowing for clock skew), and not matched to another message of the same kind yet.
 * A captioned photo is one relay that becomes two history messages (the file, then its caption as text), so a
 * relay is matched at most once per kind.
 */
function findOwnRelay(db: Pick<Db, 'select'>, businessId: number, marketChatId: number, m: NewInbound, clockSkewMs: number): number | undefined {
  const isFile = m.files !== null;
  const attempt = sql`coalesce(${relays.attemptStartedAt}, ${relays.createdAt})`;
  const matchedAlready = sql`exists (select 1 from ${inboundMessages} where ${inboundMessages.relayId} = ${relays.id}
    and ${inboundMessages.state} = 'own' and ${inboundMessages.files} is ${isFile ? sql`not null` : sql`null`})`;
  const candidates = db
    .select({ id: relays.id, text: relays.text, fileName: relays.fileName })
    .from(relays)
    .where(
      and(
        eq(relays.businessId, businessId),
        eq(relays.marketChatId, marketChatId),
        isFile
          ? and(eq(relays.kind, 'file'), or(inArray(relays.state, [...MATCHABLE_RELAY_STATES]), isNotNull(relays.fileSentAt)))
          : inArray(relays.state, [...MATCHABLE_RELAY_STATES]),
        lte(attempt, m.createdAt + clockSkewMs),
        // A relay's message appears while its attempt runs: one attempted long before cannot be this message.
        gte(attempt, m.createdAt - clockSkewMs - OWN_RELAY_LOOKBACK_MS),
        not(matchedAlready),
      ),
    )
    .orderBy(asc(relays.id))
    .all();
  const names = new Set((m.files ?? []).map((f) => f.name));
  return candidates.find((c) =>
    isFile ? c.fileName !== null && names.has(c.fileName) : m.text !== null && sameText(m.text, c.text ?? ''),
  )?.id;
}

/**
 * Pending messages at or below the chat's history cursor: those above it belong to a read that has not ended (its
 * remaining pages may hold older messages), so they wait.
 */
const postable = sql`${inboundMessages.marketMessageId} <= coalesce((select ${marketChats.lastMessageId} from ${marketChats}
  where ${marketChats.businessId} = ${inboundMessages.businessId} and ${marketChats.marketChatId} = ${inboundMessages.marketChatId}), 0)`;

/** Messages of a chat still to be posted, oldest first. */
export function pendingMessages(db: Db, businessId: number, marketChatId: number): InboundMessageRow[] {
  return db
    .select()
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.state, 'pending'),
        eq(inboundMessages.businessId, businessId),
        eq(inboundMessages.marketChatId, marketChatId),
        postable,
      ),
    )
    .orderBy(asc(inboundMessages.marketMessageId))
    .all();
}

/**
 * Chats with messages still to be posted (after a restart, or after Telegram refused for a while), the chat whose
 * oldest waiting message was recorded first coming first.
 */
export function chatsWithPending(db: Db, businessId: number): number[] {
  return db
    .select({ id: inboundMessages.marketChatId })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.state, 'pending'), eq(inboundMessages.businessId, businessId), postable))
    .groupBy(inboundMessages.marketChatId)
    .orderBy(sql`min(${inboundMessages.recordedAt})`, sql`min(${inboundMessages.marketMessageId})`)
    .all()
    .map((r) => r.id);
}

/** Recorded messages waiting to be posted, over all chats of all shops. */
export function countPending(db: Db): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.state, 'pending'), postable))
      .get()?.n ?? 0
  );
}

/** Chats whose history read was cut short and continues on the next pass. */
export function chatsWithHistoryToRead(db: Db, businessId: number): number[] {
  return db
    .select({ id: marketChats.marketChatId })
    .from(marketChats)
    .where(and(ofShop(businessId), isNotNull(marketChats.historyResume)))
    .all()
    .map((r) => r.id);
}

/**
 * FINISHED chats active since `since` (Market's updatedAt), most recent first: where a buyer writing again is
 * likely. Only chats with an order or return context, since those are what getChats can be asked about by context.
 */
export function recentlyFinished(db: Db, businessId: number, since: number, limit: number): MarketChatRow[] {
  return db
    .select()
    .from(marketChats)
    .where(
      and(
        ofShop(businessId),
        eq(marketChats.status, 'FINISHED'),
        gte(marketChats.marketUpdatedAt, since),
        or(
          and(eq(marketChats.contextType, 'ORDER'), isNotNull(marketChats.orderId)),
          and(eq(marketChats.contextType, 'RETURN'), isNotNull(marketChats.returnId)),
        ),
      ),
    )
    .orderBy(sql`${marketChats.marketUpdatedAt} desc`)
    .limit(limit)
    .all();
}

/** A part is about to be handed to Telegram (or, with null, Telegram answered and did not take it). */
export function markPartInFlight(
  db: Db,
  key: { businessId: number; marketChatId: number; marketMessageId: number },
  index: number | null,
): void {
  db.update(inboundMessages)
    .set({ partInFlight: index })
    .where(messageKey(key))
    .run();
}

function messageKey(key: { businessId: number; marketChatId: number; marketMessageId: number }) {
  return and(
    eq(inboundMessages.businessId, key.businessId),
    eq(inboundMessages.marketChatId, key.marketChatId),
    eq(inboundMessages.marketMessageId, key.marketMessageId),
  );
}

/** Several messages of one chat (a combined post). */
function messagesKey(businessId: number, marketChatId: number, marketMessageIds: readonly number[]) {
  return and(
    eq(inboundMessages.businessId, businessId),
    eq(inboundMessages.marketChatId, marketChatId),
    inArray(inboundMessages.marketMessageId, [...marketMessageIds]),
  );
}

/** One part of a message is in Telegram; the last part makes the message delivered. */
export function markPartSent(
  db: Db,
  key: { businessId: number; marketChatId: number; marketMessageId: number },
  part: { index: number; last: boolean; tgChatId: number; tgMessageId: number },
  now = Date.now(),
): void {
  db.update(inboundMessages)
    .set({
      partsSent: part.index + 1,
      partInFlight: null,
      ...(part.index === 0 ? { tgChatId: part.tgChatId, tgMessageId: part.tgMessageId } : {}),
      ...(part.last ? { state: 'delivered' as const, deliveredAt: now } : {}),
    })
    .where(messageKey(key))
    .run();
}

/**
 * Several messages of one chat shown in one combined post: all about to be handed to Telegram (`true`), or Telegram
 * answered and did not take the post (`false`). One statement, so all or none are marked.
 */
export function markAllInFlight(db: Db, businessId: number, marketChatId: number, marketMessageIds: readonly number[], inFlight: boolean): void {
  db.update(inboundMessages)
    .set({ partInFlight: inFlight ? 0 : null })
    .where(messagesKey(businessId, marketChatId, marketMessageIds))
    .run();
}

/** The messages of one combined post are all in Telegram, in that one Telegram message: all delivered at once. */
export function markAllSent(
  db: Db,
  businessId: number,
  marketChatId: number,
  marketMessageIds: readonly number[],
  at: { tgChatId: number; tgMessageId: number },
  now = Date.now(),
): void {
  db.update(inboundMessages)
    .set({ partsSent: 1, partInFlight: null, tgChatId: at.tgChatId, tgMessageId: at.tgMessageId, state: 'delivered', deliveredAt: now })
    .where(messagesKey(businessId, marketChatId, marketMessageIds))
    .run();
}

export type Presentation = Partial<
  Pick<MarketChatRow, 'topicTitle' | 'topicClosed' | 'cardMessageId' | 'dispute' | 'shownStatus'>
>;

/** Remembers what the chat's Telegram home now shows. */
export function setPresentation(db: Db, businessId: number, marketChatId: number, patch: Presentation, now = Date.now()): void {
  db.update(marketChats).set({ ...patch, updatedAt: now }).where(chatKey(businessId, marketChatId)).run();
}

/** Market answered 404 for a chat it listed before: remember it under a status of our own. */
export function markChatStatus(db: Db, businessId: number, marketChatId: number, status: string, now = Date.now()): void {
  db.update(marketChats).set({ status, updatedAt: now }).where(chatKey(businessId, marketChatId)).run();
}

/** Chats the bridge last saw in any status but `closed` (e.g. FINISHED). */
export function chatIdsNotIn(db: Db, businessId: number, closed: readonly string[]): number[] {
  return db
    .select({ id: marketChats.marketChatId })
    .from(marketChats)
    .where(and(ofShop(businessId), notInArray(marketChats.status, [...closed])))
    .all()
    .map((r) => r.id);
}

/** Whether any message of the chat was posted in this Telegram chat (reply-chain notices only follow those). */
export function shownIn(db: Db, businessId: number, marketChatId: number, tgChatId: number): boolean {
  return (
    db
      .select({ x: inboundMessages.marketMessageId })
      .from(inboundMessages)
      .where(
        and(
          eq(inboundMessages.businessId, businessId),
          eq(inboundMessages.marketChatId, marketChatId),
          eq(inboundMessages.tgChatId, tgChatId),
        ),
      )
      .limit(1)
      .get() !== undefined
  );
}

/** Whether the topic was created by the sync (not linked by a person with /link), so its look is the sync's. */
export function syncOwnsThread(db: Db, tgChatId: number, tgThreadId: number): boolean {
  const row = db
    .select({ linkedBy: threads.linkedBy })
    .from(threads)
    .where(and(eq(threads.tgChatId, tgChatId), eq(threads.tgThreadId, tgThreadId)))
    .get();
  return row !== undefined && row.linkedBy === null;
}

export function countInbound(db: Db): { chats: number; messages: number } {
  const chats = db.select({ n: sql<number>`count(*)` }).from(marketChats).get()?.n ?? 0;
  const messages = db.select({ n: sql<number>`count(*)` }).from(inboundMessages).get()?.n ?? 0;
  return { chats, messages };
}
