/**
 * The inbound sync's decisions, as pure functions: which listed chats need a look, which history messages are new,
 * what changed that the thread should show, and how long to wait before the next scan.
 */
import type { ChatFacts, MarketChatRow, NewInbound } from '../db/inbound.js';
import type { ChatContext, ChatInfo, ChatMessage } from '../market/types.js';

/** Every status but FINISHED: the frequent scan asks only for these. */
export const OPEN_STATUSES = [
  'NEW',
  'WAITING_FOR_CUSTOMER',
  'WAITING_FOR_PARTNER',
  'WAITING_FOR_ARBITER',
  'WAITING_FOR_MARKET',
] as const;

/** Stored when Market answers 404 for a chat it listed before. Not a Market status; never sent to Market. */
export const VANISHED = 'VANISHED';

const HOUR_MS = 60 * 60 * 1000;

export function factsOf(info: ChatInfo): ChatFacts {
  return {
    marketChatId: info.chatId,
    type: info.type,
    status: info.status,
    ...contextFacts(info.context),
    marketCreatedAt: info.createdAt,
  };
}

/**
 * Facts for a chat when only its history could be read (getChat's quota used up): the history carries the
 * context; type and status stay as stored, or unknown for a chat never seen.
 */
export function factsFromHistory(chatId: number, context: ChatContext, stored: MarketChatRow | undefined): ChatFacts {
  return {
    marketChatId: chatId,
    type: stored?.type ?? 'CHAT',
    status: stored?.status ?? 'UNKNOWN',
    ...contextFacts(context),
    marketCreatedAt: stored?.marketCreatedAt ?? null,
  };
}

export function factsOfRow(row: MarketChatRow): ChatFacts {
  return {
    marketChatId: row.marketChatId,
    type: row.type,
    status: row.status,
    contextType: row.contextType,
    orderId: row.orderId,
    returnId: row.returnId,
    customerName: row.customerName,
    marketCreatedAt: row.marketCreatedAt,
  };
}

function contextFacts(c: ChatContext): Pick<ChatFacts, 'contextType' | 'orderId' | 'returnId' | 'customerName'> {
  return {
    contextType: c.type,
    orderId: c.orderId ?? null,
    returnId: c.returnId ?? null,
    customerName: c.customer?.name ?? null,
  };
}

/** Unix ms of one of Market's ISO 8601 timestamps (they carry an offset); NaN when unreadable. */
export function marketTime(iso: string): number {
  return Date.parse(iso);
}

export type ListingDecision = 'sync' | 'remember' | 'none';

/**
 * What to do with a chat on a page of the chat list. A chat never seen is synced, except during the first full scan
 * (`firstStart`), where chats quiet for longer than the backfill window are only remembered: they appear in
 * Telegram when they next change, instead of flooding it with old conversations.
 */
export function decide(
  listed: ChatInfo,
  stored: MarketChatRow | undefined,
  p: { firstStart: boolean; now: number; backfillMs: number },
): ListingDecision {
  const updated = marketTime(listed.updatedAt);
  if (!stored) {
    if (p.firstStart && Number.isFinite(updated) && updated < p.now - p.backfillMs) return 'remember';
    return 'sync';
  }
  if (!Number.isFinite(updated) || stored.marketUpdatedAt === null || updated > stored.marketUpdatedAt) return 'sync';
  // A history read cut short continues on the next pass, whether or not the chat changed meanwhile.
  if (stored.historyResume !== null) return 'sync';
  // The same updatedAt may hide a message written in the same (whole) second as the last one read: one more read
  // confirms it (see confirmUpdatedAt).
  if (updated === stored.marketUpdatedAt && stored.marketUpdatedRecheckAfter !== null) return 'sync';
  // A status change always moves updatedAt on Market; comparing anyway costs nothing and catches one that did not.
  if (stored.status !== listed.status || stored.type !== listed.type) return 'sync';
  return 'none';
}

/** Market's timestamps may be whole seconds: two messages in one second share an updatedAt. */
export const MARKET_TIME_RESOLUTION_MS = 1000;

/**
 * The chat-list cursor after a sync: Market's updatedAt (undefined: keep the stored one, as on the push path) and
 * until when an unchanged updatedAt still needs a read (null: confirmed).
 *
 * A listing received at `listedAt` (our clock) shows updatedAt T, so T's second had begun by then, and it is over
 * `MARKET_TIME_RESOLUTION_MS` later (elapsed time, so the clocks' offset does not matter). A complete read started
 * after that has seen every message of T's second; until one has, an unchanged T is read again.
 */
export function confirmUpdatedAt(p: {
  stored: Pick<MarketChatRow, 'marketUpdatedAt' | 'marketUpdatedRecheckAfter'> | undefined;
  listed: { updatedAt: number; at: number } | undefined;
  readStartedAt: number;
  complete: boolean;
}): { marketUpdatedAt: number | undefined; recheckAfter: number | null } {
  const { stored, listed } = p;
  let recheckAfter: number | null;
  if (listed && Number.isFinite(listed.updatedAt) && listed.updatedAt !== stored?.marketUpdatedAt) {
    recheckAfter = listed.at + MARKET_TIME_RESOLUTION_MS;
  } else {
    recheckAfter = stored?.marketUpdatedRecheckAfter ?? null;
  }
  if (recheckAfter !== null && p.complete && p.readStartedAt >= recheckAfter) recheckAfter = null;
  const moved = listed && Number.isFinite(listed.updatedAt) ? listed.updatedAt : undefined;
  return { marketUpdatedAt: moved, recheckAfter };
}

/**
 * The history messages to record, oldest first: only those after the cursor (messageIdFrom is inclusive, and the
 * order of history pages is not specified), minus those older than `shownFrom`, which are only counted.
 */
export function newMessages(
  read: readonly ChatMessage[],
  p: { lastMessageId: number | null; shownFrom: number | null },
): { messages: NewInbound[]; skipped: number; lastMessageId: number | undefined } {
  const byId = new Map<number, ChatMessage>();
  for (const m of read) if (m.messageId > (p.lastMessageId ?? 0)) byId.set(m.messageId, m);
  const fresh = [...byId.values()].sort((a, b) => a.messageId - b.messageId);
  const messages: NewInbound[] = [];
  let skipped = 0;
  for (const m of fresh) {
    const createdAt = marketTime(m.createdAt);
    if (p.shownFrom !== null && Number.isFinite(createdAt) && createdAt <= p.shownFrom) {
      skipped++;
      continue;
    }
    messages.push({
      marketMessageId: m.messageId,
      sender: m.sender,
      createdAt: Number.isFinite(createdAt) ? createdAt : Date.now(),
      text: m.message ?? null,
      files: m.payload && m.payload.length > 0 ? m.payload.map((f) => ({ name: f.name, url: f.url, size: f.size })) : null,
    });
  }
  return { messages, skipped, lastMessageId: fresh.at(-1)?.messageId };
}

/** Why a sync was asked for. Notification handlers pass their event kind; the sync recognises the dispute ones. */
export type SyncReason = string;

export type DisputeEvent = 'opened' | 'finished';

/**
 * A dispute starting or ending, from a notification (CHAT_ARBITRAGE_STARTED/FINISHED) or from the status moving
 * into or out of WAITING_FOR_ARBITER since the thread last showed it.
 */
export function disputeEvent(
  reasons: ReadonlySet<SyncReason>,
  shownStatus: string | null,
  status: string,
): DisputeEvent | undefined {
  const said = [...reasons].map((r) => r.toLowerCase());
  if (said.some((r) => r.includes('arbitrage_started'))) return 'opened';
  if (said.some((r) => r.includes('arbitrage_finished'))) return 'finished';
  const waiting = (s: string | null) => s === 'WAITING_FOR_ARBITER';
  if (waiting(status) && !waiting(shownStatus)) return 'opened';
  if (waiting(shownStatus) && !waiting(status)) return 'finished';
  return undefined;
}

/**
 * How long to wait before the next scan. The configured interval, stretched when the remaining getChats budget
 * (after a reserve left for everything else) would not last the hourly window at the current cost per scan, and
 * never before Market allows getChats again.
 */
export function nextScanDelay(p: {
  intervalMs: number;
  pagesPerScan: number;
  remaining: number;
  reserve: number;
  blockedUntil: number | undefined;
  now: number;
}): number {
  if (p.blockedUntil !== undefined) return Math.max(p.intervalMs, p.blockedUntil - p.now);
  const usable = p.remaining - p.reserve;
  if (usable <= 0) return Math.max(p.intervalMs, HOUR_MS / 4);
  const spread = (HOUR_MS * Math.max(1, p.pagesPerScan)) / usable;
  return Math.min(HOUR_MS, Math.max(p.intervalMs, Math.ceil(spread)));
}

/** Whether a full scan (every status) may run now: it is due, and the budget covers it with room to spare. */
export function fullScanAllowed(p: {
  lastFullAt: number | undefined;
  everyMs: number;
  now: number;
  fullPages: number;
  remaining: number;
  reserve: number;
}): boolean {
  if (p.lastFullAt === undefined) return true;
  if (p.now - p.lastFullAt < p.everyMs) return false;
  return p.remaining - p.reserve >= 2 * Math.max(1, p.fullPages);
}
