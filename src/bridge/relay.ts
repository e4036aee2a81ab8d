/**
 * Seller -> buyer delivery. A seller's message is recorded before anything is sent, then delivered in order per
 * Market chat, at most once. The life cycle (states and every allowed change) is the table in relay-states.ts.
 *
 * Market's API has no idempotency key, so "may have arrived" is never resent blindly. Any attempt that did not end
 * in a clear answer (a 5xx, a timeout, a reset, a crash) is treated alike: Market may still be working on it, so the
 * bridge waits until it can no longer be (the request timeout plus a margin), then reads the chat's history from the
 * message id it knew before the attempt. Where the history cannot tell, the seller decides. Rows in
 * `pending`/`sending` are picked up again after a restart, and a check cut short by a shutdown is done then.
 *
 * A photo or document with a caption is one Telegram message, so it is one row (the ledger is unique per Telegram
 * message) sent as two requests: the file, then the caption as a text message. `fileSentAt` marks the file as
 * accepted; from then on the row's life cycle is about the caption only, so a retry, a restart or "Send again" never
 * sends the file twice, and the caption never goes without its file.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from '../logger.js';
import type { Db } from '../db/open.js';
import {
  claimEditNotice,
  getRelay,
  insertRelay,
  lookalikes,
  newestKnownMessageId,
  openRelays,
  openRelaysOfChat,
  unechoedRelays,
  relayOfMessage,
  updateRelay,
  type RelayRow,
} from '../db/relays.js';
import { MarketError, kindForStatus, type MarketErrorKind } from '../market/errors.js';
import { QuotaExhausted, type OperationId } from '../market/limits.js';
import { sameText } from '../text-compare.js';
import { sleep } from '../util/sleep.js';
import type { PartnerMessages } from './history.js';
import { moveRelay, type RelayEvent } from './relay-states.js';

/** What the relay needs from Market (MarketClient fits it). */
export interface RelayMarket {
  sendMessage(chatId: number, text: string): Promise<void>;
  sendFile(chatId: number, file: { name: string; bytes: Uint8Array; contentType: string }): Promise<void>;
  /** The shop's (PARTNER) messages in the chat from message id `messageIdFrom` on (all when undefined), or throws. */
  partnerMessagesFrom(chatId: number, messageIdFrom: number | undefined): Promise<PartnerMessages>;
  /** Whether `op` must wait, until when, and whether because of Market's 420 (`paused`) or the hourly count. */
  blocked(op: OperationId): { until: number; paused: boolean } | undefined;
}

/** Fetches the bytes of a seller's file from Telegram when it is its turn to be sent. */
export interface RelayFiles {
  load(fileId: string): Promise<Uint8Array>;
}

/** What the next request of a relay sends: a file row sends its file, then (if it has one) its caption. */
export function nextPart(r: Pick<RelayRow, 'kind' | 'fileSentAt'>): 'file' | 'text' {
  return r.kind === 'file' && r.fileSentAt === null ? 'file' : 'text';
}

/** True once a file row's file has reached Market: what is left (or what failed) is its caption. */
export function inCaptionStage(r: Pick<RelayRow, 'kind' | 'fileSentAt'>): boolean {
  return r.kind === 'file' && r.fileSentAt !== null;
}

/** After the file of this row was accepted, does a caption still have to go? */
function captionFollows(r: RelayRow): boolean {
  return nextPart(r) === 'file' && (r.text ?? '') !== '';
}

export type WaitReason = 'rate_limited' | 'quota' | 'retrying';

/**
 * Whether the seller can see an outcome: `shown`; `not_shown` (Telegram refused it: showing it again is safe);
 * `unsure` (Telegram got the post but its answer never came: it may be showing, so the next try is marked as a
 * possible repeat, see `echoUnsure`). A crash before the answer is like `not_shown` with the row's flag unset.
 */
export type EchoResult = 'shown' | 'not_shown' | 'unsure';

/**
 * How the result reaches the seller (the Telegram side implements it). Anything but `shown`, or a crash, leaves
 * `echoedAt` empty, and the sweep or the next start shows it again.
 */
export interface RelayEcho {
  delivered(r: RelayRow): Promise<EchoResult>;
  /** Tells the seller the message waits; returns the notice's message id so the outcome can be written into it. */
  waiting(r: RelayRow, until: number, why: WaitReason): Promise<number | undefined>;
  failed(r: RelayRow, err: MarketError): Promise<EchoResult>;
  uncertain(r: RelayRow, err: MarketError | undefined): Promise<EchoResult>;
}

/** Longest a history check waits for Market's rate limit before asking the seller instead. */
const RECONCILE_MAX_WAIT_MS = 10 * 60 * 1000;

/** Outcomes older than this are not shown again after a restart: the seller has moved on. */
const ECHO_CATCH_UP_MS = 24 * 60 * 60 * 1000;

export interface RelayPolicy {
  /** Attempts per message for failures another attempt can fix (5xx, timeouts, network). */
  maxAttempts: number;
  /** Wait before attempt n+1 (n >= 1). */
  backoffMs(attempt: number): number;
  /** Longest a 420 without X-RateLimit-Resource-Until makes a message wait. */
  rateLimitFallbackMs: number;
  /** Only tell the seller a message is waiting when the wait is at least this long. */
  noticeAfterMs: number;
  /**
   * After an attempt that got no answer at all (timeout, dropped connection, crash), how long from its start
   * before the chat history is trusted to show it: a request Market is still working on could land after an
   * earlier look and be sent twice. At least the request timeout plus a margin.
   */
  reconcileAfterMs: number;
  /** How often outcomes Telegram did not take (or did not confirm) are tried again. */
  echoSweepMs: number;
}

export const DEFAULT_RELAY_POLICY: RelayPolicy = {
  maxAttempts: 3,
  backoffMs: (n) => Math.min(30_000, 1000 * 3 ** (n - 1)),
  rateLimitFallbackMs: 60_000,
  noticeAfterMs: 2_000,
  reconcileAfterMs: 25_000,
  echoSweepMs: 60_000,
};

export interface NewRelay {
  tgChatId: number;
  tgMessageId: number;
  tgThreadId: number | null;
  tgUserId: number;
  marketChatId: number;
  text?: string;
  /** `size` as Telegram reported it (undefined when it did not; the download then enforces Market's limit). */
  file?: { fileId: string; name: string; size: number | undefined; mime: string };
}

/** What the history says about an attempt; `interrupted`: the bridge is stopping, the next start checks again. */
type Outcome = 'delivered' | 'not_delivered' | 'unknown' | 'interrupted';

export class RelayQueue {
  private readonly chains = new Map<number, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  /** Outcomes being shown again after a restart (see resume). */
  private catchingUp: Promise<void> = Promise.resolve();
  /** Relays whose outcome is being shown right now (so the sweep does not show it twice). */
  private readonly echoing = new Set<number>();
  private sweep: NodeJS.Timeout | undefined;
  /** Set once close() has given up waiting: results that arrive later are left for the next start. */
  private closed = false;
  private readonly policy: RelayPolicy;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      db: Db;
      /** The shop this queue sends for: its rows, and its Market client in `market`. */
      businessId: number;
      market: RelayMarket;
      echo: RelayEcho;
      files?: RelayFiles;
      log: Logger;
      policy?: Partial<RelayPolicy>;
      now?: () => number;
    },
  ) {
    this.policy = { ...DEFAULT_RELAY_POLICY, ...deps.policy };
    // Every waiting relay listens for close(); hundreds may wait at once behind a rate limit.
    setMaxListeners(0, this.stop.signal);
    this.now = deps.now ?? Date.now;
  }

  /**
   * Records a seller's message and queues it. Returns undefined when the same Telegram message was recorded
   * before (a redelivered update): nothing is sent again.
   */
  submit(input: NewRelay): RelayRow | undefined {
    const row = insertRelay(this.deps.db, { ...ledgerRow(input), businessId: this.deps.businessId, fileId: input.file?.fileId ?? null, state: 'pending' }, this.now());
    if (!row) return undefined;
    // Logged once the send is under way: the line is a synchronous write to stdout, and it used to sit between the
    // ledger write and the Market request (inside the caller's transaction, too).
    const recorded = { relay: row.id, marketChatId: row.marketChatId, tgChatId: row.tgChatId };
    setImmediate(() => this.deps.log.info(recorded, 'relay recorded'));
    // Behind a limit the message would wait silently in its chat's queue: say at once when it will go.
    const blocked = this.deps.market.blocked(nextPart(row) === 'file' ? 'sendFileToChat' : 'sendMessageToChat');
    if (blocked) {
      this.wait(row, blocked.until, blocked.paused ? 'rate_limited' : 'quota').catch((err: unknown) =>
        this.deps.log.error({ err, relay: row.id }, 'could not queue the relay'),
      );
    }
    this.enqueue(row);
    return row;
  }

  /** Records a message that is refused before any request (empty, too long, unsupported), so /status shows it. */
  recordRefusal(input: NewRelay, code: string, message: string): RelayRow | undefined {
    const row = insertRelay(
      this.deps.db,
      {
        ...ledgerRow(input),
        businessId: this.deps.businessId,
        // A refused file is never fetched, so its file id is not kept; a refused text is kept short.
        text: input.text?.slice(0, 200) ?? null,
        state: 'refused',
        errorCode: code,
        errorMessage: message,
        // The seller was answered before this row was written.
        echoedAt: this.now(),
      },
      this.now(),
    );
    if (row) this.deps.log.info({ relay: row.id, code }, 'relay refused before sending');
    return row;
  }

  get(id: number): RelayRow | undefined {
    return getRelay(this.deps.db, id);
  }

  findByMessage(tgChatId: number, tgMessageId: number): RelayRow | undefined {
    return relayOfMessage(this.deps.db, tgChatId, tgMessageId);
  }

  /** True the first time only: the seller is told once that edits are not sent. */
  claimEditNotice(id: number): boolean {
    return claimEditNotice(this.deps.db, id);
  }

  /** Picks up every relay that had not finished when the bridge last stopped, in the order they were written. */
  resume(): number {
    const rows = openRelays(this.deps.db, this.deps.businessId);
    for (const row of rows) this.enqueue(row);
    if (rows.length > 0) this.deps.log.info({ count: rows.length }, 'resuming unfinished relays');
    this.catchUp();
    // Telegram may refuse or drop an echo (a network blip): look again now and then, not only at the next start.
    this.sweep = setInterval(() => this.catchUp(), this.policy.echoSweepMs);
    this.sweep.unref();
    return rows.length;
  }

  /** Shows outcomes the seller has not seen (a crash or a Telegram failure came between), oldest first. */
  private catchUp(): void {
    const unshown = unechoedRelays(this.deps.db, this.deps.businessId, this.now() - ECHO_CATCH_UP_MS).filter((r) => !this.echoing.has(r.id));
    if (unshown.length === 0 || this.stop.signal.aborted) return;
    this.deps.log.info({ count: unshown.length }, 'showing outcomes the seller has not seen yet');
    this.catchingUp = this.catchingUp.then(async () => {
      for (const listed of unshown) {
        if (this.stop.signal.aborted) return;
        // Looked at again now: since it was listed, the relay's own path (or an earlier sweep) may have shown it.
        const row = getRelay(this.deps.db, listed.id);
        if (!row || row.echoedAt !== null || row.state !== listed.state || this.echoing.has(row.id)) continue;
        await this.echo(row, errorOfRow(row));
      }
    });
  }

  /**
   * The seller pressed "Send again" on an uncertain relay: send it without another history check. `questionId` is
   * the question they pressed it on: it now says "Sending again…" and is edited to the outcome once known.
   */
  resend(id: number, questionId?: number): RelayRow | undefined {
    const row = moveRelay(
      this.deps.db,
      id,
      'resend',
      {
        notBefore: null,
        echoedAt: null,
        echoUnsure: false,
        ...(questionId !== undefined ? { noticeMessageId: questionId, noticeKind: 'question' as const } : {}),
      },
      this.now(),
    );
    if (row) this.enqueue(row);
    return row;
  }

  /** The seller pressed "Don't send" on an uncertain relay. */
  cancel(id: number): RelayRow | undefined {
    return moveRelay(this.deps.db, id, 'cancel', {}, this.now());
  }

  /**
   * Stops taking work: waiting relays stay recorded as they are and resume at the next start; requests already
   * on the wire (sends and history checks) get up to `graceMs` to finish. A check that cannot conclude in time is
   * left for the next start, never turned into a question for the seller.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.stop.abort(new Error('relay queue closed'));
    clearInterval(this.sweep);
    const all = Promise.allSettled([...this.inFlight]);
    await Promise.race([all, sleep(graceMs)]);
    this.closed = true;
  }

  /** Resolves when every queued relay has been handled (for tests and the benchmark). */
  async idle(): Promise<void> {
    await this.catchingUp;
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  get queuedChats(): number {
    return this.chains.size;
  }

  /**
   * One promise chain per Market chat: that chat's relays go strictly one after another (Market shows them in the
   * order they arrive), different chats in parallel (MarketLimits bounds the total). Kept by hand rather than with
   * a keyed-queue package: it is ten lines, the chains must be awaitable for idle(), and each key is dropped once
   * its chain runs dry, which is what the relay needs and nothing more.
   */
  private enqueue(row: RelayRow): void {
    const chatId = row.marketChatId;
    const previous = this.chains.get(chatId) ?? Promise.resolve();
    const next = previous.then(() => this.process(row.id)).catch((err: unknown) => {
      this.deps.log.error({ err, relay: row.id }, 'relay processing crashed');
    });
    this.chains.set(chatId, next);
    void next.finally(() => {
      if (this.chains.get(chatId) === next) this.chains.delete(chatId);
    });
  }

  /** Runs `work` as a request on the wire: close() gives it the grace period to finish. */
  private async onWire<T>(work: Promise<T>): Promise<T> {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    try {
      return await work;
    } finally {
      this.inFlight.delete(tracked);
    }
  }

  private move(row: RelayRow, event: RelayEvent, patch: Partial<Omit<RelayRow, 'id' | 'createdAt' | 'state'>> = {}): RelayRow {
    const moved = moveRelay(this.deps.db, row.id, event, patch, this.now());
    if (!moved) throw new Error(`relay ${row.id}: ${event} does not apply in state ${getRelay(this.deps.db, row.id)?.state}`);
    return moved;
  }

  private async process(id: number): Promise<void> {
    const { db } = this.deps;
    let lastError: MarketError | undefined;
    for (;;) {
      if (this.stop.signal.aborted) return;
      let row = getRelay(db, id);
      if (!row || (row.state !== 'pending' && row.state !== 'sending')) return;

      if (row.notBefore !== null && row.notBefore > this.now()) {
        try {
          await sleep(row.notBefore - this.now(), this.stop.signal);
        } catch {
          return;
        }
        continue;
      }

      if (row.state === 'sending') {
        // The previous attempt may have reached Market (a 5xx, a timeout, a reset, a crash): every one of them
        // alike, Market may still be working on it, so the history is read only once it can no longer be.
        const trustFrom = (row.attemptStartedAt ?? 0) + this.policy.reconcileAfterMs;
        if (trustFrom > this.now()) {
          await this.pause(trustFrom - this.now());
          continue;
        }
        const outcome = await this.reconcile(row);
        if (outcome === 'interrupted' || this.closed) return;
        if (outcome === 'delivered') {
          if (!(await this.accepted(row, 'found', 'found in Market history'))) return;
          lastError = undefined;
          continue;
        }
        if (outcome === 'unknown') return this.uncertain(row, lastError);
        if (this.stop.signal.aborted) return;
        if (row.attempts >= this.policy.maxAttempts) {
          return this.fail(row, lastError ?? errorOfRow(row));
        }
      }

      const blocked = this.deps.market.blocked(nextPart(row) === 'file' ? 'sendFileToChat' : 'sendMessageToChat');
      if (blocked !== undefined) {
        await this.wait(row, blocked.until, blocked.paused ? 'rate_limited' : 'quota');
        continue;
      }

      const known = newestKnownMessageId(db, row.businessId, row.marketChatId);
      row = this.move(row, 'attempt', {
        attempts: row.attempts + 1,
        attemptStartedAt: this.now(),
        // Read back from here if this attempt ends without a clear answer.
        historyFromId: known === undefined ? null : known + 1,
        notBefore: null,
        // The status and code columns describe the current attempt from here on.
        httpStatus: null,
        errorCode: null,
      });
      try {
        await this.onWire(this.send(row));
        if (this.closed) return;
        if (!(await this.accepted(row, 'accepted', 'accepted by Market', 200))) return;
        lastError = undefined;
        continue;
      } catch (err) {
        if (this.closed) return;
        const e = asMarketError(err);
        lastError = e;
        this.deps.log.warn(
          { relay: row.id, attempt: row.attempts, kind: e.kind, status: e.status, code: e.code, reach: e.reach },
          'relay attempt failed',
        );
        if (e.kind === 'quota' || e.kind === 'rate_limited') {
          // Refused before Market acted on it: safe to send again later.
          const until = e.retryAt ?? this.now() + this.policy.rateLimitFallbackMs;
          const moved = this.move(row, 'deferred', { attempts: row.attempts - 1, httpStatus: e.status ?? null, errorCode: e.code ?? null });
          await this.wait(moved, until, e.kind === 'quota' ? 'quota' : 'rate_limited');
          continue;
        }
        if (e.reach === 'yes') {
          if (!(await this.accepted(row, 'accepted', `Market answered ${e.status} with an unreadable body`, e.status))) return;
          lastError = undefined;
          continue;
        }
        if (!e.transient) return this.fail(row, e);
        if (e.reach === 'no') {
          // Never reached Market (refused connection, 423): resend after a pause, up to the bound.
          if (row.attempts >= this.policy.maxAttempts) return this.fail(row, e);
          this.move(row, 'deferred', { httpStatus: e.status ?? null, errorCode: e.code ?? null });
          await this.pause(this.policy.backoffMs(row.attempts));
          continue;
        }
        // reach === 'maybe' (5xx, timeout, reset): stays `sending`; the next round (or the next start) waits until
        // Market can no longer be working on it, then reads the history.
        this.move(row, 'unanswered', { httpStatus: e.status ?? null, errorCode: e.code ?? null, errorMessage: e.detail ?? null });
      }
    }
  }

  private async send(row: RelayRow): Promise<void> {
    if (nextPart(row) === 'file') {
      if (!this.deps.files || !row.fileId) throw new MarketError('rejected', 'no', { detail: 'file is not available' });
      let bytes: Uint8Array;
      try {
        bytes = await this.deps.files.load(row.fileId);
      } catch {
        throw new MarketError('network', 'no', { code: 'TELEGRAM_FILE', detail: 'could not download the file from Telegram' });
      }
      await this.deps.market.sendFile(row.marketChatId, {
        name: row.fileName ?? 'file',
        bytes,
        contentType: row.fileMime ?? 'application/octet-stream',
      });
      return;
    }
    await this.deps.market.sendMessage(row.marketChatId, row.text ?? '');
  }

  /**
   * Did an attempt that may have reached Market arrive? Reads the chat's history from the message id the bridge
   * knew before the attempt (Market's ids are its one clock) and compares the shop's messages there that look like
   * this one with what the bridge knows of its other relays that look the same (see `lookalikes`): more than they
   * can account for means it arrived; none beyond those surely in the window means it did not; anything between,
   * or a history that could not be read to its end, cannot tell.
   */
  private async reconcile(row: RelayRow): Promise<Outcome> {
    const part = nextPart(row);
    // Failed reads count against maxAttempts; waiting out a rate limit does not, but is bounded in time.
    const waitUntil = this.now() + RECONCILE_MAX_WAIT_MS;
    for (let failures = 0; failures < this.policy.maxAttempts; ) {
      if (this.stop.signal.aborted) return 'interrupted';
      try {
        const read = await this.onWire(this.deps.market.partnerMessagesFrom(row.marketChatId, row.historyFromId ?? undefined));
        if (this.closed) return 'interrupted';
        const { attributed, sure, maybe } = lookalikes(this.deps.db, row, part);
        const seen = read.messages.filter(
          (m) =>
            !attributed.has(m.messageId) &&
            (part === 'file'
              ? (m.payload ?? []).some((p) => p.name === row.fileName)
              : m.message !== undefined && sameText(m.message, row.text ?? '')),
        ).length;
        const outcome: Outcome = !read.complete
          ? 'unknown'
          : seen > sure + maybe
            ? 'delivered'
            : seen <= sure
              ? 'not_delivered'
              : 'unknown';
        this.deps.log.info(
          { relay: row.id, from: row.historyFromId, complete: read.complete, seen, sure, maybe, outcome },
          'reconciled with Market history',
        );
        // Stopping: a clear "it arrived" is recorded; anything else is looked at again at the next start.
        if (this.stop.signal.aborted && outcome !== 'delivered') return 'interrupted';
        return outcome;
      } catch (err) {
        if (this.closed) return 'interrupted';
        const e = asMarketError(err);
        this.deps.log.warn({ relay: row.id, kind: e.kind, status: e.status }, 'history check failed');
        if (this.stop.signal.aborted) return 'interrupted';
        if (e.kind === 'quota' || e.kind === 'rate_limited') {
          const until = e.retryAt ?? this.now() + this.policy.rateLimitFallbackMs;
          if (until > waitUntil) return 'unknown';
          await this.pause(until - this.now());
          continue;
        }
        if (!e.transient) return 'unknown';
        failures++;
        await this.pause(this.policy.backoffMs(failures));
      }
    }
    return this.stop.signal.aborted ? 'interrupted' : 'unknown';
  }

  private async wait(row: RelayRow, until: number, why: WaitReason): Promise<void> {
    await this.noticeWait(updateRelay(this.deps.db, row.id, { notBefore: until }, this.now()), until, why);
    // The chat's later messages wait behind this one: tell their writers too, rather than leave them silent.
    for (const behind of openRelaysOfChat(this.deps.db, row.businessId, row.marketChatId, row.id)) {
      if (this.stop.signal.aborted) return;
      if (behind.noticeMessageId === null && (behind.notBefore === null || behind.notBefore < until)) {
        await this.noticeWait(updateRelay(this.deps.db, behind.id, { notBefore: until }, this.now()), until, why);
      }
    }
  }

  private async noticeWait(row: RelayRow, until: number, why: WaitReason): Promise<void> {
    if (until - this.now() < this.policy.noticeAfterMs || row.noticeMessageId !== null) return;
    const noticeMessageId = await this.deps.echo.waiting(row, until, why).catch(() => undefined);
    // Stopping: the database may be closed by now. The notice still reads right on its own (see texts).
    if (noticeMessageId !== undefined && !this.closed) {
      updateRelay(this.deps.db, row.id, { noticeMessageId, noticeKind: 'waiting' }, this.now());
    }
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, this.stop.signal);
    } catch {
      // closing: the row stays as recorded and resumes at the next start
    }
  }

  /**
   * The request of `row` reached Market (`how` = accepted: it said so; found: the history shows it). Returns true
   * when the row goes on (its file was accepted and its caption is next, with fresh attempts), false when the relay
   * is finished.
   */
  private async accepted(row: RelayRow, how: 'accepted' | 'found', why: string, status?: number): Promise<boolean> {
    if (!captionFollows(row)) {
      await this.delivered(row, how, why, status);
      return false;
    }
    this.move(row, 'fileAccepted', {
      fileSentAt: this.now(),
      attempts: 0,
      attemptStartedAt: null,
      historyFromId: null,
      notBefore: null,
      httpStatus: null,
      errorCode: null,
      errorMessage: null,
    });
    this.deps.log.info({ relay: row.id, marketChatId: row.marketChatId, how: why }, 'relay file delivered; its caption follows');
    return true;
  }

  /** `status`: Market's answer when it accepted the request; undefined when the history showed it arrived. */
  private async delivered(row: RelayRow, how: 'accepted' | 'found', why: string, status?: number): Promise<void> {
    const updated = moveRelay(
      this.deps.db,
      row.id,
      how,
      {
        deliveredAt: this.now(),
        // A file row without a caption: its file is the whole relay.
        ...(row.kind === 'file' && row.fileSentAt === null ? { fileSentAt: this.now() } : {}),
        notBefore: null,
        ...(status !== undefined ? { httpStatus: status, errorCode: null, errorMessage: null } : {}),
      },
      this.now(),
    );
    if (!updated) return;
    this.deps.log.info({ relay: row.id, marketChatId: row.marketChatId, attempts: row.attempts, how: why }, 'relay delivered');
    await this.echo(updated);
  }

  private async fail(row: RelayRow, e: MarketError): Promise<void> {
    const event = e.kind === 'rejected' ? 'refused' : 'failed';
    const updated = this.move(row, event, {
      httpStatus: e.status ?? null,
      errorCode: e.code ?? e.kind,
      errorMessage: e.detail ?? null,
      notBefore: null,
    });
    this.deps.log.warn({ relay: row.id, state: updated.state, kind: e.kind, status: e.status, code: e.code }, 'relay not delivered');
    await this.echo(updated, e);
  }

  private async uncertain(row: RelayRow, e: MarketError | undefined): Promise<void> {
    const updated = this.move(row, 'unknown', { notBefore: null });
    this.deps.log.warn({ relay: row.id }, 'relay outcome unknown; asking the seller');
    await this.echo(updated, e);
  }

  /** Shows a final outcome to the seller and records that it was shown (or that it may be showing). */
  private async echo(row: RelayRow, e?: MarketError): Promise<void> {
    const { echo } = this.deps;
    this.echoing.add(row.id);
    try {
      const shown =
        row.state === 'delivered'
          ? echo.delivered(row)
          : row.state === 'uncertain'
            ? echo.uncertain(row, e)
            : echo.failed(row, e ?? errorOfRow(row));
      const result = await shown.catch((): EchoResult => 'not_shown');
      if (this.closed) return;
      if (result === 'shown') updateRelay(this.deps.db, row.id, { echoedAt: this.now(), echoUnsure: false }, this.now());
      if (result === 'unsure') updateRelay(this.deps.db, row.id, { echoUnsure: true }, this.now());
    } finally {
      this.echoing.delete(row.id);
    }
  }
}

/** The failure a finished row records, rebuilt to show it again after a restart. */
function errorOfRow(row: RelayRow): MarketError {
  const info = { status: row.httpStatus ?? undefined, code: row.errorCode ?? undefined, detail: row.errorMessage ?? undefined };
  if (row.httpStatus !== null && row.httpStatus >= 400) return new MarketError(kindForStatus(row.httpStatus), 'no', info);
  if (row.errorCode === 'ECONNABORTED' || row.errorCode === 'ETIMEDOUT') return new MarketError('timeout', 'maybe', info);
  if (row.errorCode === 'TELEGRAM_FILE') return new MarketError('network', 'no', info);
  return new MarketError('network', 'maybe', info);
}

/** The ledger columns every relay row takes from the seller's message. */
function ledgerRow(input: NewRelay) {
  return {
    tgChatId: input.tgChatId,
    tgMessageId: input.tgMessageId,
    tgThreadId: input.tgThreadId,
    tgUserId: input.tgUserId,
    marketChatId: input.marketChatId,
    kind: input.file ? ('file' as const) : ('text' as const),
    text: input.text ?? null,
    fileName: input.file?.name ?? null,
    fileSize: input.file?.size ?? null,
    fileMime: input.file?.mime ?? null,
  };
}

export function asMarketError(err: unknown): MarketError {
  if (err instanceof MarketError) return err;
  if (err instanceof QuotaExhausted) return new MarketError(err.paused ? 'rate_limited' : 'quota', 'no', { retryAt: err.until });
  return new MarketError('network', 'maybe', { detail: 'unexpected error' });
}

export type { MarketErrorKind };
