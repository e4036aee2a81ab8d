/**
 * Which Market chats wait for the shop, from what the bridge stores (no Market calls): the history messages the
 * sync recorded (buyer, cabinet and the bridge's own replies) and the relays Market took that the sync has not
 * seen in the history yet. Also who took a chat, and who on the team writes in the group (for reminders).
 *
 * A chat waits when it is not finished and has a buyer message after the shop's last reply, or it is an open
 * dispute, or Market says it waits for the shop (WAITING_FOR_PARTNER) and no reply of the shop is known (the stored
 * status is as of the last sync, so a reply sent since would otherwise keep it listed). The wait began at the first buyer message
 * after the last reply (else when Market last changed the chat).
 *
 * Per shop: every table read here is keyed by business (a chat id is unique only within its business).
 */
import type Database from 'better-sqlite3';
import type { Db } from './open.js';
import { cached } from './prepared.js';

/** The better-sqlite3 handle under drizzle: the waiting list is one SQL statement, clearer written as SQL. */
const raw = (db: Db): Database.Database => (db as Db & { $client: Database.Database }).$client;

export interface WaitingChat {
  marketChatId: number;
  type: string;
  status: string;
  contextType: string;
  orderId: number | null;
  returnId: number | null;
  customerName: string | null;
  /** When the wait began (Unix ms; Market's clock for a buyer message). */
  since: number;
  /** now - since. */
  waitedMs: number;
  /** A buyer message without a shop reply after it (false: only Market's status or a dispute says it waits). */
  unanswered: boolean;
  takenBy: { tgUserId: number; name: string } | null;
  /** The chat's topic in the Telegram chat asked about, if it has one. */
  tgThreadId: number | null;
  /** Without a topic: the chat's latest message of the bot's there (reply-chain mode), to link to. */
  lastAnchorId: number | null;
}

export interface WaitingQuery {
  businessId: number;
  now: number;
  /** The Telegram chat whose topics/messages are linked (TELEGRAM_CHAT_ID); none: no links. */
  tgChatId?: number;
  /** Paging; default all. */
  offset?: number;
  limit?: number;
  /** Only this chat (reminders ask about one chat). */
  marketChatId?: number;
}

interface Row {
  market_chat_id: number;
  type: string;
  status: string;
  context_type: string;
  order_id: number | null;
  return_id: number | null;
  customer_name: string | null;
  wait_since: number | null;
  market_updated_at: number | null;
  created_at: number;
  taker_id: number | null;
  taker_name: string | null;
  tg_thread_id: number | null;
  last_anchor_id: number | null;
  total: number;
}

/**
 * One pass over the open chats. Replies are found by Market message id (ids order a chat's messages; timestamps may
 * be whole seconds), and a relay not yet seen in the history counts for the buyer messages recorded before Market
 * took it (both times the bridge's own clock).
 */
const WAITING_SQL = `
WITH open_chats AS (
  SELECT c.*,
    (SELECT max(p.market_message_id) FROM inbound_messages p
      WHERE p.market_chat_id = c.market_chat_id AND p.sender = 'PARTNER'
      AND p.business_id = @businessId
      -- The AWAY_MESSAGE auto-reply is no answer: the chat still waits for the team.
      AND NOT EXISTS (SELECT 1 FROM relays ar JOIN away_replies aw ON aw.tg_chat_id = ar.tg_chat_id AND aw.tg_message_id = ar.tg_message_id
        WHERE ar.business_id = @businessId AND ar.market_chat_id = p.market_chat_id AND ar.market_message_id = p.market_message_id)
    ) AS last_reply_id,
    (SELECT max(r.delivered_at) FROM relays r
      WHERE r.market_chat_id = c.market_chat_id AND r.state = 'delivered' AND r.market_message_id IS NULL
      AND r.business_id = @businessId
      AND NOT EXISTS (SELECT 1 FROM away_replies aw WHERE aw.tg_chat_id = r.tg_chat_id AND aw.tg_message_id = r.tg_message_id)
    ) AS unseen_reply_at
  FROM market_chats c
  WHERE c.status <> 'FINISHED'
  AND c.business_id = @businessId
  AND (@onlyChat IS NULL OR c.market_chat_id = @onlyChat)
), waits AS (
  SELECT o.*,
    (SELECT min(m.created_at) FROM inbound_messages m
      WHERE m.market_chat_id = o.market_chat_id AND m.sender = 'CUSTOMER'
        AND m.market_message_id > coalesce(o.last_reply_id, 0)
        AND m.recorded_at > coalesce(o.unseen_reply_at, 0)
        AND m.business_id = @businessId
    ) AS wait_since
  FROM open_chats o
)
SELECT w.market_chat_id, w.type, w.status, w.context_type, w.order_id, w.return_id, w.customer_name, w.wait_since,
  w.market_updated_at, w.created_at,
  k.tg_user_id AS taker_id, k.tg_user_name AS taker_name,
  th.tg_thread_id,
  CASE WHEN th.tg_thread_id IS NULL THEN
    (SELECT max(a.tg_message_id) FROM anchors a WHERE a.business_id = @businessId AND a.market_chat_id = w.market_chat_id AND a.tg_chat_id = @tgChatId)
  END AS last_anchor_id,
  count(*) OVER () AS total
FROM waits w
LEFT JOIN chat_takes k ON k.business_id = @businessId AND k.market_chat_id = w.market_chat_id
LEFT JOIN threads th ON th.tg_chat_id = @tgChatId AND th.market_chat_id = w.market_chat_id
  AND th.business_id = @businessId
WHERE w.wait_since IS NOT NULL OR w.type = 'ARBITRAGE'
  -- Market's status lags the bridge's own replies: it counts alone only while no reply is known.
  OR (w.status = 'WAITING_FOR_PARTNER' AND w.last_reply_id IS NULL AND w.unseen_reply_at IS NULL)
ORDER BY coalesce(w.wait_since, w.market_updated_at, w.created_at), w.market_chat_id
LIMIT @limit OFFSET @offset
`;

/** The chats that wait for the shop, oldest wait first. */
export function listWaiting(db: Db, opts: WaitingQuery): WaitingChat[] {
  return waitingPage(db, opts).chats;
}

/** A page of the waiting list and how many chats wait in all. */
export function waitingPage(db: Db, opts: WaitingQuery): { chats: WaitingChat[]; total: number } {
  const stmt = cached(db, 'waits.list', () => raw(db).prepare(WAITING_SQL));
  const rows = stmt.all({
    businessId: opts.businessId,
    tgChatId: opts.tgChatId ?? null,
    onlyChat: opts.marketChatId ?? null,
    limit: opts.limit ?? -1,
    offset: opts.offset ?? 0,
  }) as Row[];
  // A page past the end has no rows to carry the total: counted again from the start.
  const total = rows[0]?.total ?? ((opts.offset ?? 0) > 0 ? waitingPage(db, { ...opts, offset: 0, limit: 1 }).total : 0);
  const chats = rows.map((r): WaitingChat => {
    const since = r.wait_since ?? r.market_updated_at ?? r.created_at;
    return {
      marketChatId: r.market_chat_id,
      type: r.type,
      status: r.status,
      contextType: r.context_type,
      orderId: r.order_id,
      returnId: r.return_id,
      customerName: r.customer_name,
      since,
      waitedMs: Math.max(0, opts.now - since),
      unanswered: r.wait_since !== null,
      takenBy: r.taker_id !== null ? { tgUserId: r.taker_id, name: r.taker_name ?? String(r.taker_id) } : null,
      tgThreadId: r.tg_thread_id,
      lastAnchorId: r.last_anchor_id,
    };
  });
  return { chats, total };
}

// ---- who took a chat ----

export interface ChatTake {
  tgUserId: number;
  name: string;
  takenAt: number;
}

export function takenBy(db: Db, businessId: number, marketChatId: number): ChatTake | undefined {
  const row = raw(db)
    .prepare('SELECT tg_user_id, tg_user_name, taken_at FROM chat_takes WHERE business_id = ? AND market_chat_id = ?')
    .get(businessId, marketChatId) as { tg_user_id: number; tg_user_name: string; taken_at: number } | undefined;
  return row && { tgUserId: row.tg_user_id, name: row.tg_user_name, takenAt: row.taken_at };
}

/** Records the teammate; another teammate's take is replaced (the button says who has it, anyone may take over). */
export function takeChat(db: Db, businessId: number, marketChatId: number, who: { tgUserId: number; name: string }, now: number): void {
  raw(db)
    .prepare(
      `INSERT INTO chat_takes (business_id, market_chat_id, tg_user_id, tg_user_name, taken_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (business_id, market_chat_id) DO UPDATE SET tg_user_id = excluded.tg_user_id,
         tg_user_name = excluded.tg_user_name, taken_at = excluded.taken_at`,
    )
    .run(businessId, marketChatId, who.tgUserId, who.name, now);
}

export function releaseChat(db: Db, businessId: number, marketChatId: number): void {
  raw(db).prepare('DELETE FROM chat_takes WHERE business_id = ? AND market_chat_id = ?').run(businessId, marketChatId);
}

// ---- who on the team writes in the group ----

export function recordTeamWriter(
  db: Db,
  w: { tgChatId: number; tgUserId: number; name: string; username: string | undefined },
  now: number,
): void {
  cached(db, 'waits.writer', () =>
    raw(db).prepare(
      `INSERT INTO team_writers (tg_chat_id, tg_user_id, name, username, last_wrote_at) VALUES (@tgChatId, @tgUserId, @name, @username, @now)
       ON CONFLICT (tg_chat_id, tg_user_id) DO UPDATE SET name = excluded.name, username = excluded.username,
         last_wrote_at = excluded.last_wrote_at`,
    ),
  ).run({ ...w, username: w.username ?? null, now });
}

export interface TeamWriter {
  tgUserId: number;
  name: string;
  username: string | null;
}

/** The team members who wrote in `tgChatId`, most recent first. */
export function teamWriters(db: Db, tgChatId: number, limit: number): TeamWriter[] {
  return (
    raw(db)
      .prepare('SELECT tg_user_id, name, username FROM team_writers WHERE tg_chat_id = ? ORDER BY last_wrote_at DESC LIMIT ?')
      .all(tgChatId, limit) as Array<{ tg_user_id: number; name: string; username: string | null }>
  ).map((r) => ({ tgUserId: r.tg_user_id, name: r.name, username: r.username }));
}

// ---- reviews and product questions that wait ----

/**
 * A review or product question that waits for the shop (feedback_posts): recorded to be posted or posted, and
 * neither answered from Telegram nor skipped. `pending` / `posting` wait too (the buyer waits whether or not the post
 * reached Telegram yet), they just have no post to link to or to remind under. A review answered from Telegram waits
 * again when the buyer writes a new comment on it that no answer of the shop's followed (`comment`: that comment's
 * post); a skipped review does not (the team said it needs nothing; a comment on it is still posted under it).
 */
export interface WaitingFeedback {
  businessId: number;
  kind: 'review' | 'question';
  /** feedbackId or questionId. */
  targetId: number;
  /** The review's stars (reviews only). */
  rating: number | null;
  /** The product (the shop's SKU). */
  offerId: string | null;
  /** When the wait began: the buyer wrote it (Market's clock, never after the bridge recorded it) or, for a new
   *  comment, when the bridge recorded the comment. */
  since: number;
  /** When the team could first see it: the bridge recorded it (the reminder counts from here). */
  recordedAt: number;
  waitedMs: number;
  /** The post to link to and to reply to; null while it is not in Telegram yet. */
  post: { tgChatId: number; tgMessageId: number; tgThreadId: number | null } | null;
  /** The wait is a buyer's new comment on an answered review (the post is the comment's). */
  comment: boolean;
}

interface FeedbackRow {
  kind: 'review' | 'question';
  target_id: number;
  rating: number | null;
  offer_id: string | null;
  market_at: number | null;
  recorded_at: number;
  tg_chat_id: number | null;
  tg_message_id: number | null;
  tg_thread_id: number | null;
  comment: number;
}

/** Market's ISO time (with its offset) in Unix ms; SQLite's julianday reads the offset. */
const MARKET_MS = (col: string) => `CAST(round((julianday(json_extract(${col}, '$.createdAt')) - 2440587.5) * 86400000) AS INTEGER)`;

const WAITING_FEEDBACK_SQL = `
SELECT p.kind, p.target_id,
  json_extract(p.data, '$.statistics.rating') AS rating,
  coalesce(json_extract(p.data, '$.identifiers.offerId'), json_extract(p.data, '$.questionIdentifiers.offerId')) AS offer_id,
  ${MARKET_MS('p.data')} AS market_at,
  p.created_at AS recorded_at,
  CASE WHEN p.state = 'posted' THEN p.tg_chat_id END AS tg_chat_id,
  CASE WHEN p.state = 'posted' THEN p.tg_message_id END AS tg_message_id,
  CASE WHEN p.state = 'posted' THEN p.tg_thread_id END AS tg_thread_id,
  0 AS comment
FROM feedback_posts p
WHERE p.business_id = @businessId AND p.kind IN ('review', 'question') AND p.state IN ('pending', 'posting', 'posted')
UNION ALL
-- A buyer's new comment on an answered review, with no delivered answer to the review recorded after it: the
-- first such comment (SQLite takes the other columns from the row of min()).
SELECT 'review', r.target_id,
  json_extract(r.data, '$.statistics.rating'),
  json_extract(r.data, '$.identifiers.offerId'),
  NULL,
  min(c.created_at),
  CASE WHEN c.state = 'posted' THEN c.tg_chat_id END,
  CASE WHEN c.state = 'posted' THEN c.tg_message_id END,
  CASE WHEN c.state = 'posted' THEN c.tg_thread_id END,
  1
FROM feedback_posts c
JOIN feedback_posts r ON r.business_id = c.business_id AND r.kind = 'review' AND r.target_id = c.parent_id AND r.state = 'answered'
WHERE c.business_id = @businessId AND c.kind = 'comment' AND c.state IN ('pending', 'posting', 'posted')
  AND NOT EXISTS (SELECT 1 FROM feedback_answers a
    WHERE a.business_id = @businessId AND a.kind = 'review' AND a.target_id = r.target_id AND a.state = 'delivered'
      AND a.created_at >= c.created_at)
GROUP BY r.target_id
`;

/** The reviews and questions of one shop that wait, oldest wait first, and how many of each wait in all. */
export function waitingFeedback(
  db: Db,
  opts: { businessId: number; now: number; limit?: number },
): { items: WaitingFeedback[]; reviews: number; questions: number } {
  const stmt = cached(db, 'waits.feedback', () => raw(db).prepare(WAITING_FEEDBACK_SQL));
  const rows = stmt.all({ businessId: opts.businessId }) as FeedbackRow[];
  const all = rows
    .map((r): WaitingFeedback => {
      const since = r.market_at !== null && Number.isFinite(r.market_at) ? Math.min(r.market_at, r.recorded_at) : r.recorded_at;
      return {
        businessId: opts.businessId,
        kind: r.kind,
        targetId: r.target_id,
        rating: r.rating,
        offerId: r.offer_id,
        since,
        recordedAt: r.recorded_at,
        waitedMs: Math.max(0, opts.now - since),
        post: r.tg_chat_id !== null && r.tg_message_id !== null ? { tgChatId: r.tg_chat_id, tgMessageId: r.tg_message_id, tgThreadId: r.tg_thread_id } : null,
        comment: r.comment === 1,
      };
    })
    .sort((a, b) => a.since - b.since || a.targetId - b.targetId);
  const reviews = all.filter((f) => f.kind === 'review').length;
  return { items: opts.limit !== undefined && opts.limit >= 0 ? all.slice(0, opts.limit) : all, reviews, questions: all.length - reviews };
}
