/**
 * Handles the updates stored in the inbox (db/inbox.ts): one at a time per chat key (a chat, or a forum topic in
 * it), in the order Telegram delivered them, and different keys in parallel up to a bound. So a topic whose
 * replies wait out a Telegram 429 holds up only itself. A handler that throws is tried again after a backoff; after
 * the last attempt the seller is told in the thread that the message was not sent and why, and the row keeps the
 * reason. Rows left pending by a stop or a crash are handled at the next start: the relay ledger drops what was
 * already recorded.
 */
import { BotError, GrammyError, HttpError, type Api } from 'grammy';
import type { Message, Update } from 'grammy/types';
import type { Db } from '../db/open.js';
import {
  markDone,
  markFailed,
  markRetry,
  pendingHeads,
  pendingPerKey,
  pruneInbox,
  startAttempt,
  storeUpdates,
  type InboxRow,
} from '../db/inbox.js';
import { secretScrubber, type Logger } from '../logger.js';
import { t, withLanguage } from '../texts.js';
import type { Lang } from '../languages.js';
import { sleep } from '../util/sleep.js';
import { describe } from './echo.js';
import { isCommand } from './messages.js';

export interface DispatchPolicy {
  /** Attempts per update; after the last one the seller is told it was not handled. */
  maxAttempts: number;
  /** Backoff after the n-th failed attempt: base * 2^(n-1), at most max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Chat keys handled at the same time. */
  concurrency: number;
  /** How long handled rows keep their update id (a redelivery within it is dropped), and failed rows their update. */
  keepDoneMs: number;
  keepFailedMs: number;
}

export const DEFAULT_DISPATCH: DispatchPolicy = {
  maxAttempts: 5,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  concurrency: 32,
  // Telegram keeps an unconfirmed update for 24 hours.
  keepDoneMs: 24 * 60 * 60_000,
  keepFailedMs: 7 * 24 * 60 * 60_000,
};

const PRUNE_EVERY_MS = 10 * 60_000;
/** When the inbox itself cannot be read or written (disk full, I/O error), look again after this long. */
const DB_RETRY_MS = 1_000;

/** The message an update is about, if any (a button press is about the message that carries the button). */
function messageOf(u: Update): Pick<Message, 'chat' | 'message_id'> & Partial<Message> | undefined {
  return u.message ?? u.edited_message ?? u.channel_post ?? u.edited_channel_post ?? u.callback_query?.message;
}

/**
 * What must be handled in order: the forum topic for topic messages, else the chat, else the user. Topics of one
 * group are independent conversations (one buyer each), so a reply waiting in one does not hold up the others.
 */
export function chatKey(u: Update): string {
  const m = messageOf(u);
  if (m) return m.is_topic_message && m.message_thread_id !== undefined ? `${m.chat.id}:${m.message_thread_id}` : String(m.chat.id);
  const chat = u.my_chat_member?.chat ?? u.chat_member?.chat ?? u.chat_join_request?.chat;
  if (chat) return String(chat.id);
  const from = u.callback_query?.from ?? u.inline_query?.from;
  return from ? `user:${from.id}` : 'other';
}

/**
 * Telegram's answers that another attempt would only repeat (a bad request, no right to write, gone): the seller is
 * told at once instead of after every backoff. 429 and 5xx are waited out by auto-retry; network errors are retried.
 */
function isPermanent(err: unknown): boolean {
  return err instanceof GrammyError && [400, 401, 403, 404].includes(err.error_code);
}

/** At least Telegram's retry_after, when a 429 got through auto-retry (it waits at most two minutes). */
function retryAfterMs(err: unknown): number {
  const after = err instanceof GrammyError && err.error_code === 429 ? err.parameters.retry_after : undefined;
  return typeof after === 'number' ? after * 1000 : 0;
}

/** Why the handler failed, in the seller's words (the technical detail included). */
export function notHandledWhy(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown };
  if (e && typeof e === 'object' && (e.name === 'SqliteError' || (typeof e.code === 'string' && e.code.startsWith('SQLITE_')))) {
    return t('intake.why.database', { detail: describe(err).message });
  }
  if (err instanceof GrammyError) return t('intake.why.telegram', { detail: `${err.error_code} ${err.description}` });
  if (err instanceof HttpError) return t('intake.why.network');
  return t('intake.why.other', { detail: describe(err).message });
}

export interface DispatcherDeps {
  db: Db;
  log: Logger;
  /** Runs the bot's middleware on one update (bot.handleUpdate). */
  handle: (update: Update) => Promise<void>;
  api: Api;
  /** Only the team is told about a failure: an outsider's update is never answered. */
  isAdmin: (userId: number | undefined) => boolean;
  /** Kept out of the stored reasons (logs and replies are scrubbed elsewhere). */
  secrets: readonly string[];
  policy?: Partial<DispatchPolicy>;
  /** The language the bot speaks while handling this update (the chat's choice, the user's, BOT_LANGUAGE). */
  language?: (update: Update) => Lang;
}

export class Dispatcher {
  private readonly policy: DispatchPolicy;
  private readonly scrub: (text: string) => string;
  private readonly busy = new Set<string>();
  /**
   * Rows of each chat key still pending (waiting, backing off or being handled), kept as rows are stored and
   * finished. A key with none has nothing ahead of a new update, which may then start at once (see accept).
   */
  private readonly pending = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private pruneTimer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private started = false;
  /** No new handler starts. */
  private stopping = false;
  /** The database may be closed: handlers still running leave their rows as they are. */
  private closed = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.policy = { ...DEFAULT_DISPATCH, ...deps.policy };
    this.scrub = secretScrubber(deps.secrets);
  }

  /**
   * Stores updates in one transaction, then handles them. Throws if they could not be stored: the caller must not
   * confirm them to Telegram, which then delivers them again.
   */
  accept(updates: readonly Update[]): void {
    // An update whose chat key has nothing pending starts as soon as it is stored, with the update in hand: no
    // turn of the event loop, no read of the inbox, no parse, and its attempt counted in the insert. That was half a
    // millisecond of every relay's way to Market. The rest wait for the pump, in order, as before.
    const ready = this.started && !this.stopping;
    let free = this.policy.concurrency - this.running.size;
    const seen = new Set<string>();
    const items = updates.map((u) => {
      const key = chatKey(u);
      const now = ready && free > 0 && !seen.has(key) && !this.pending.has(key);
      seen.add(key);
      if (now) free--;
      return { update: u, key, now };
    });
    const ids = storeUpdates(
      this.deps.db,
      items.map((it) => ({ updateId: it.update.update_id, chatKey: it.key, update: JSON.stringify(it.update), attempts: it.now ? 1 : 0 })),
    );
    items.forEach((it, i) => {
      const id = ids[i];
      if (id === undefined) return; // delivered again: handled (or pending) already
      this.pending.set(it.key, (this.pending.get(it.key) ?? 0) + 1);
      if (it.now) this.run({ id, updateId: it.update.update_id, chatKey: it.key }, it.update);
    });
    this.wake();
  }

  /** The row has left `pending` (done or failed). */
  private finished(key: string): void {
    const left = (this.pending.get(key) ?? 1) - 1;
    if (left > 0) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  /** Starts handling what is in the inbox, rows left from before first. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const [key, n] of pendingPerKey(this.deps.db)) this.pending.set(key, n);
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.wake();
  }

  /** Starts nothing new and waits up to `graceMs` for handlers in progress; unfinished rows stay for the next start. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    clearInterval(this.pruneTimer);
    if (this.running.size > 0) {
      const all = Promise.allSettled([...this.running]);
      const ac = new AbortController();
      await Promise.race([all, sleep(graceMs, ac.signal).catch(() => undefined)]);
      ac.abort();
      if (this.running.size > 0) this.deps.log.warn({ running: this.running.size }, 'stopping with updates still being handled; they are handled again at the next start');
    }
    this.closed = true;
  }

  /** Looks for work on the next turn of the event loop (several wakes in one tick look once). */
  wake(): void {
    if (!this.started || this.stopping || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopping) return;
    let heads: InboxRow[];
    try {
      heads = pendingHeads(this.deps.db);
    } catch (err) {
      this.deps.log.error({ err: describe(err) }, 'could not read the inbox; trying again');
      this.wakeAt(Date.now() + DB_RETRY_MS);
      return;
    }
    const now = Date.now();
    for (const row of heads) {
      if (this.running.size >= this.policy.concurrency) break;
      if (this.busy.has(row.chatKey)) continue;
      if (row.notBefore !== null && row.notBefore > now) {
        this.wakeAt(row.notBefore);
        continue;
      }
      this.run(row);
    }
  }

  private wakeAt(at: number): void {
    if (this.stopping) return;
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - Date.now()));
  }

  /** `fresh`: the update itself, stored just now with its attempt counted (accept's way); else the row is read. */
  private run(row: Pick<InboxRow, 'id' | 'updateId' | 'chatKey'> & Partial<InboxRow>, fresh?: Update): void {
    this.busy.add(row.chatKey);
    const task = this.handleRow(row, fresh)
      .catch((err: unknown) => {
        // Only the bookkeeping can get here (a handler's own errors are caught): the row stays pending.
        if (!this.closed) this.deps.log.error({ err: describe(err), updateId: row.updateId }, 'could not record how an update went; trying again');
        this.wakeAt(Date.now() + DB_RETRY_MS);
      })
      .finally(() => {
        this.busy.delete(row.chatKey);
        this.running.delete(task);
        this.wake();
      });
    this.running.add(task);
  }

  private async handleRow(row: Pick<InboxRow, 'id' | 'updateId' | 'chatKey'> & Partial<InboxRow>, fresh?: Update): Promise<void> {
    const { db, log } = this.deps;
    const attempts = fresh ? 1 : startAttempt(db, row.id);
    let update: Update;
    try {
      update = fresh ?? (JSON.parse(row.update ?? '') as Update);
    } catch {
      log.error({ updateId: row.updateId }, 'an inbox row holds no readable update; dropped');
      markFailed(db, row.id, 'unreadable update');
      this.finished(row.chatKey);
      return;
    }
    let lang: Lang | undefined;
    try {
      lang = this.deps.language?.(update);
    } catch (err) {
      log.warn({ err: describe(err), updateId: row.updateId }, 'could not look up the chat language; using the default');
    }
    const speak = <T>(fn: () => T): T => (lang ? withLanguage(lang, fn) : fn());
    let error: unknown;
    try {
      await speak(() => this.deps.handle(update));
    } catch (err) {
      error = err instanceof BotError ? err.error : err;
    }
    if (this.closed) return;
    if (error === undefined) {
      markDone(db, row.id);
      this.finished(row.chatKey);
      return;
    }
    const why = this.scrub(speak(() => notHandledWhy(error)));
    const ctx = { err: describe(error), updateId: row.updateId, chatKey: row.chatKey, attempts };
    if (attempts < this.policy.maxAttempts && !isPermanent(error)) {
      const backoff = Math.max(
        retryAfterMs(error),
        Math.min(this.policy.backoffMaxMs, this.policy.backoffBaseMs * 2 ** (attempts - 1)),
      );
      markRetry(db, row.id, Date.now() + backoff, why);
      log.warn({ ...ctx, retryInMs: backoff }, 'update handler failed; trying again');
      this.wakeAt(Date.now() + backoff);
      return;
    }
    // Recorded first: if even that fails (the disk is full), the row stays pending and is tried again later.
    markFailed(db, row.id, why);
    this.finished(row.chatKey);
    log.error(ctx, 'update handler failed for the last time; telling the seller');
    await speak(() => this.tellNotHandled(update, attempts, why));
  }

  /**
   * A reply in the thread to the team's own message or button press (an edit is never sent anyway, and an
   * outsider's update is never answered).
   */
  private async tellNotHandled(update: Update, attempts: number, why: string): Promise<void> {
    const m = update.message ?? update.callback_query?.message;
    const from = update.message?.from ?? update.callback_query?.from;
    if (!m || !this.deps.isAdmin(from?.id)) return;
    const what = update.callback_query ? 'button' : isCommand(update.message!) ? 'command' : 'message';
    try {
      await this.deps.api.sendMessage(m.chat.id, t('intake.notHandled', { what, attempts, why }), {
        ...(m.is_topic_message && m.message_thread_id !== undefined ? { message_thread_id: m.message_thread_id } : {}),
        reply_parameters: { message_id: m.message_id, allow_sending_without_reply: true },
      });
    } catch (err) {
      this.deps.log.error({ err: describe(err), updateId: update.update_id }, 'could not tell the seller an update was not handled');
    }
  }

  private prune(): void {
    const now = Date.now();
    try {
      const n = pruneInbox(this.deps.db, { doneBefore: now - this.policy.keepDoneMs, failedBefore: now - this.policy.keepFailedMs });
      if (n > 0) this.deps.log.debug({ rows: n }, 'pruned the inbox');
    } catch (err) {
      this.deps.log.warn({ err: describe(err) }, 'could not prune the inbox');
    }
  }
}
