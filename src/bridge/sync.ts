/**
 * Buyer -> seller: Market chats and their new messages, brought into Telegram. Two ways in, one path through:
 *
 *   polling (always on)       scan the chat list -> chats whose updatedAt moved past the stored cursor -+
 *   push (notifications.ts)   syncChat(chatId, reason) ----------------------------------------------+-> sync a chat
 *
 *   sync a chat: read the history after the chat's last recorded message -> record the new messages (one transaction,
 *   with the cursors) -> post each pending message in order -> show status changes (title, closed, dispute).
 *
 * Two stages per chat, each one at a time per chat: reading (history -> database) and showing (database ->
 * Telegram). A scan waits only for the reading, so Telegram's pace (about 20 messages a minute per group) never
 * holds up noticing changes in other chats; showing catches up behind it.
 *
 * Recording comes before posting, so a restart resumes with the recorded-but-unposted messages (nothing lost) and
 * reads the history after the cursor (nothing read twice); each message is posted part by part with its progress
 * stored (nothing posted twice, except the one part Telegram accepted in the instant before a crash).
 *
 * Decisions where the issue is silent:
 * - First start (no full scan ever completed): chats updated within `backfillMs` (24 h) are synced with their
 *   messages from that window; older chats are only remembered and appear when they next change, showing only what
 *   is new. A shop with thousands of old chats therefore does not flood Telegram.
 * - Cheap polling: the frequent scan asks getChats for open statuses only (every status but FINISHED), 20 chats per
 *   page; a full scan (every status: catches finished chats that got a new message) runs first and then every
 *   `fullScanEveryMs` (also across restarts) when the budget allows. A chat the bridge saw open that has left the
 *   open list is looked up with getChat (it finished, or vanished). An unchanged shop costs exactly its getChats
 *   pages; a 10,000-chat shop with 100 open chats reads 5 pages a minute and 500 every 15 minutes.
 * - Budget: the interval stretches so the remaining getChats quota (minus `reserveCalls` left for everything else)
 *   lasts the hourly window at the current pages-per-scan; a 420 or a used-up quota waits until Market allows
 *   getChats again. Other methods keep working (MarketLimits pauses per method).
 * - Whole seconds: Market's updatedAt may have no fractions, so a message written in the same second as the one just
 *   read leaves it unchanged. A changed chat is therefore read once more by a read that starts a second after the
 *   listing that showed the change (in practice: on the next scan); only then does an unchanged updatedAt mean
 *   "nothing new". A changed chat costs two history reads instead of one.
 * - Long histories: a read cut off at `maxHistoryPages` keeps its page token and continues on the next pass (listed
 *   or not). Its messages are recorded but stay unposted until the read ends, because history pages come in no
 *   promised order: an older message may still be on a later page.
 * - Finished chats: Market may keep a chat FINISHED when the buyer writes again (the docs do not say), so the open
 *   scan cannot see it. Each open scan also asks getChats, by order/return context, about the finished chats active
 *   in the last `finishedWatchMs` (7 days), at most `finishedWatchPages` pages (100 chats, most recent first). Older
 *   ones, and DIRECT chats (no context id to ask by), wait for the full scan.
 * - Removed from the group (telegram/presence.ts): while the target is not ready(), nothing is posted and messages
 *   are still recorded; showPending() posts the backlog, in order, when it is back.
 * - Push path: the history read and getChat run in parallel. getChat's updatedAt may be newer than what the history
 *   read saw, so only a chat list read *before* the history moves the updatedAt cursor; a push sync leaves it and the
 *   next scan confirms with one cheap history read.
 */
import type { Db } from '../db/open.js';
import {
  chatIdsNotIn,
  chatsWithHistoryToRead,
  chatsWithPending,
  getMarketChat,
  markChatStatus,
  marketChatsIn,
  pendingMessages,
  recentlyFinished,
  recordSync,
  rememberQuietChat,
  setPresentation,
  type InboundMessageRow,
  type MarketChatRow,
} from '../db/inbound.js';
import { getKv, setKv } from '../db/kv.js';
import type { Logger } from '../logger.js';
import { MarketError } from '../market/errors.js';
import { QuotaExhausted, type OperationId } from '../market/limits.js';
import type {
  ChatContext,
  ChatHistoryPage,
  ChatInfo,
  ChatMessage,
  ChatsPage,
  GetChatHistoryBody,
  GetChatHistoryQuery,
  GetChatsBody,
  GetChatsQuery,
} from '../market/types.js';
import { sleep } from '../util/sleep.js';
import {
  OPEN_STATUSES,
  VANISHED,
  confirmUpdatedAt,
  decide,
  disputeEvent,
  factsFromHistory,
  factsOf,
  fullScanAllowed,
  marketTime,
  newMessages,
  nextScanDelay,
  type DisputeEvent,
  type SyncReason,
} from './sync-rules.js';

/** What the sync needs from Market (MarketClient and MarketLimits fit it); every call at `sync` priority. */
export interface SyncMarket {
  getChats(body: GetChatsBody, query: GetChatsQuery): Promise<ChatsPage>;
  getChat(chatId: number): Promise<ChatInfo>;
  getChatHistory(query: GetChatHistoryQuery, body: GetChatHistoryBody): Promise<ChatHistoryPage>;
  /** Calls of `op` left in the current hourly window, as far as the bridge knows. */
  remaining(op: OperationId): number;
  /** When `op` may be called again at sync priority, or undefined if now. */
  blockedUntil(op: OperationId): number | undefined;
}

/** What changed in a chat that its thread should show, against what the thread last showed. */
export interface ChatChange {
  /** The chat has just become FINISHED: close its topic. */
  finished: boolean;
  dispute: DisputeEvent | undefined;
  /** Market no longer has the chat (404). */
  vanished: boolean;
}

/** The Telegram side (telegram/inbound.ts implements it). Each call throws when Telegram did not take it. */
export interface InboundTarget {
  /**
   * Posts the first of `pending` (the chat's recorded messages, oldest first) in the chat's thread (creating the
   * thread first), recording its progress; or, when a backlog would wait behind Telegram's pacing, the first several
   * together in one post. Returns how many messages of `pending` it showed (at least one when it resolves).
   */
  postPending(chat: MarketChatRow, pending: readonly InboundMessageRow[]): Promise<number>;
  /** Makes the thread exist and show the chat as it is now (title marks, closed, dispute and vanish notices). */
  update(chat: MarketChatRow, change: ChatChange): Promise<void>;
  /**
   * False while Telegram does not let the bot post there (removed, restricted): messages are still recorded, and
   * wait, in order, until showPending() is called.
   */
  ready(): boolean;
}

export interface SyncOptions {
  /** Between scans of the chat list (MARKET_POLL_INTERVAL_SECONDS); stretched when the budget is short. */
  intervalMs: number;
  /** Between full scans (every status); the frequent scans ask for open chats only. */
  fullScanEveryMs: number;
  /** First start: chats updated within this window are shown (their messages from it); older ones wait. */
  backfillMs: number;
  /** Chats synced at once by a scan (push requests do not wait for these). */
  concurrency: number;
  /** getChats calls per hour the sync leaves for everything else when planning its interval. */
  reserveCalls: number;
  /** Market's clock and ours may differ: a relay attempted up to this long after a message may still be it. */
  clockSkewMs: number;
  /** Chats that left the open list looked up per scan (getChat has a small quota). */
  recheckPerScan: number;
  /** Pages of one chat's history read in one sync (100 messages each); a longer one continues on the next pass. */
  maxHistoryPages: number;
  /**
   * Finished chats active within this window are asked about on every open scan (by context, 20 a getChats page),
   * so a buyer writing in one is noticed within an interval or two whatever Market does with its status.
   */
  finishedWatchMs: number;
  /** getChats pages per open scan for those finished chats (20 chats a page; the most recently active first). */
  finishedWatchPages: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  intervalMs: 60_000,
  fullScanEveryMs: 15 * 60_000,
  backfillMs: 24 * 60 * 60_000,
  concurrency: 2,
  reserveCalls: 1000,
  clockSkewMs: 5 * 60_000,
  recheckPerScan: 20,
  maxHistoryPages: 100,
  finishedWatchMs: 7 * 24 * 60 * 60_000,
  finishedWatchPages: 5,
};

/** Spec maxima for one page. */
const CHATS_PAGE = 20;
const HISTORY_PAGE = 100;

/** kv key: when the first full scan completed (from then on, every chat not seen before is new and shown whole). */
const FIRST_SCAN_KEY = 'inbound.firstFullScanAt';
/** kv key: when the latest full scan completed, so a quick restart does not read every page again. */
const LAST_FULL_SCAN_KEY = 'inbound.lastFullScanAt';
/** The kv key of one shop's sync milestone (each shop's first start shows only what is new in that shop). */
export const shopKey = (key: string, businessId: number) => `${key}@${businessId}`;
/** The sync's kv keys, for the one-shop database upgrade (db/legacy.ts renames them). */
export const SYNC_KV_KEYS = [FIRST_SCAN_KEY, LAST_FULL_SCAN_KEY] as const;

export type ScanKind = 'open' | 'full';

export interface ScanResult {
  kind: ScanKind;
  pages: number;
  complete: boolean;
  synced: number;
}

interface Request {
  reasons: Set<SyncReason>;
  /** The chat as listed by a scan that read the list before this sync reads the history, and when (our clock). */
  listed: { chat: ChatInfo; at: number } | undefined;
}

/**
 * One task at a time per chat. A request for a chat whose task is running is merged into the single request waiting
 * behind it, and resolves when that one has run: so concurrent requests coalesce and none is lost.
 */
class PerChat<R> {
  private readonly entries = new Map<number, { next: R | undefined; done: Promise<void> }>();

  constructor(
    private readonly run: (chatId: number, r: R) => Promise<void>,
    private readonly merge: (waiting: R, more: R) => R,
    private readonly stopped: () => boolean,
  ) {}

  request(chatId: number, r: R): Promise<void> {
    const current = this.entries.get(chatId);
    if (current) {
      current.next = current.next === undefined ? r : this.merge(current.next, r);
      return current.done;
    }
    const entry: { next: R | undefined; done: Promise<void> } = { next: r, done: Promise.resolve() };
    this.entries.set(chatId, entry);
    entry.done = (async () => {
      try {
        while (entry.next !== undefined && !this.stopped()) {
          const next = entry.next;
          entry.next = undefined;
          await this.run(chatId, next);
        }
      } finally {
        this.entries.delete(chatId);
      }
    })();
    return entry.done;
  }

  /** The running task of a chat (and what waits behind it), if any. */
  current(chatId: number): Promise<void> | undefined {
    return this.entries.get(chatId)?.done;
  }

  all(): Promise<void>[] {
    return [...this.entries.values()].map((e) => e.done);
  }
}

export class InboundSync {
  private readonly opts: SyncOptions;
  private readonly now: () => number;
  /** Stage 1: read a chat's history and record it. */
  private readonly reading: PerChat<Request>;
  /** Stage 2: post what is recorded and show status changes. */
  private readonly showing: PerChat<Set<SyncReason>>;
  private readonly stopSignal = new AbortController();
  private loop: Promise<void> | undefined;
  private lastFullAt: number | undefined;
  private pages: Record<ScanKind, number> = { open: 1, full: 1 };

  constructor(
    private readonly deps: {
      db: Db;
      /** The shop this sync reads: its rows and cursors, and its Market client in `market`. */
      businessId: number;
      market: SyncMarket;
      target: InboundTarget;
      log: Logger;
      options?: Partial<SyncOptions>;
      now?: () => number;
      /** Translation (bridge/translation.ts): the messages about to be posted, translated in one request. Never rejects. */
      translate?: (marketChatId: number, messages: InboundMessageRow[]) => Promise<void>;
    },
  ) {
    this.opts = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
    this.now = deps.now ?? Date.now;
    const stopped = () => this.stopped;
    this.reading = new PerChat<Request>(
      (chatId, req) =>
        this.syncOnce(chatId, req).catch((err: unknown) =>
          this.logFailure('chat sync failed; the next scan tries again', err, {
            marketChatId: chatId,
            reasons: [...req.reasons],
          }),
        ),
      (a, b) => ({ reasons: new Set([...a.reasons, ...b.reasons]), listed: b.listed ?? a.listed }),
      stopped,
    );
    this.showing = new PerChat<Set<SyncReason>>(
      (chatId, reasons) =>
        this.present(chatId, reasons).catch((err: unknown) =>
          this.logFailure('could not show a chat in Telegram; retrying later', err, { marketChatId: chatId }),
        ),
      (a, b) => new Set([...a, ...b]),
      stopped,
    );
  }

  private get stopped(): boolean {
    return this.stopSignal.signal.aborted;
  }

  /** Starts polling: posts what a previous run recorded but did not post, then scans (full first) forever. */
  start(): void {
    this.loop ??= this.run().catch((err: unknown) => this.deps.log.error({ err }, 'inbound sync loop crashed'));
  }

  /** Stops scanning and posting; work already on the wire gets `graceMs`. Recorded messages wait for the next start. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopSignal.abort(new Error('inbound sync stopped'));
    const all = Promise.allSettled([this.loop, ...this.reading.all(), ...this.showing.all()]);
    await Promise.race([all, sleep(graceMs)]);
  }

  /**
   * Brings one chat up to date now (a push notification, or a test) and resolves once what it found is in Telegram.
   * Calls for a chat already being synced coalesce: they resolve when a sync that started after them has finished.
   * Never rejects; failures are logged and the next scan tries again.
   */
  async syncChat(chatId: number, reason: SyncReason): Promise<void> {
    await this.reading.request(chatId, { reasons: new Set([reason]), listed: undefined });
    await this.showing.current(chatId);
  }

  /** Resolves when no chat is being read or shown (tests, benchmark). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.reading.all(), ...this.showing.all()];
      if (busy.length === 0) return;
      await Promise.allSettled(busy);
    }
  }

  /** One pass over the chat list. Public for the benchmark and tests; the loop calls it on its schedule. */
  async scan(kind: ScanKind): Promise<ScanResult> {
    const { db, market, log } = this.deps;
    const firstStart = getKv(db, shopKey(FIRST_SCAN_KEY, this.deps.businessId)) === undefined;
    const body: GetChatsBody = kind === 'open' ? { statuses: [...OPEN_STATUSES] } : {};
    const seen = new Set<number>();
    const work = new Pool(this.opts.concurrency);
    let pages = 0;
    let complete = false;
    let synced = 0;
    let pageToken: string | undefined;
    try {
      do {
        if (this.stopped) break;
        const page = await market.getChats(body, { limit: CHATS_PAGE, ...(pageToken ? { pageToken } : {}) });
        pages++;
        const stored = marketChatsIn(db, this.deps.businessId, page.chats.map((c) => c.chatId));
        const now = this.now();
        for (const chat of page.chats) {
          seen.add(chat.chatId);
          const decision = decide(chat, stored.get(chat.chatId), { firstStart, now, backfillMs: this.opts.backfillMs });
          if (decision === 'remember') rememberQuietChat(db, this.deps.businessId, factsOf(chat), marketTime(chat.updatedAt), now);
          if (decision === 'sync') {
            synced++;
            // Waits for a free slot, so a scan of 10,000 changed chats holds a few syncs in memory, not all.
            await work.add(() => this.reading.request(chat.chatId, { reasons: new Set(['scan']), listed: { chat, at: now } }));
          }
        }
        pageToken = page.paging?.nextPageToken;
      } while (pageToken);
      complete = !this.stopped;
    } catch (err) {
      this.logFailure('chat list scan failed; the next scan tries again', err, { kind, pages });
    }
    await work.drain();

    if (complete) {
      if (kind === 'open') pages += await this.watchFinished(seen, work);
      // Long histories cut short by an earlier pass continue now, listed or not (a finished chat is not).
      for (const id of chatsWithHistoryToRead(db, this.deps.businessId)) {
        if (!seen.has(id)) await work.add(() => this.reading.request(id, { reasons: new Set(['history continues']), listed: undefined }));
      }
      await work.drain();
      this.pages[kind] = Math.max(1, pages);
      if (kind === 'full') {
        this.lastFullAt = this.now();
        setKv(db, shopKey(LAST_FULL_SCAN_KEY, this.deps.businessId), String(this.lastFullAt), this.now());
        if (firstStart) setKv(db, shopKey(FIRST_SCAN_KEY, this.deps.businessId), String(this.now()), this.now());
      } else {
        // A chat seen open before that is no longer on the open list finished (or vanished): look it up.
        const left = chatIdsNotIn(db, this.deps.businessId, ['FINISHED', VANISHED])
          .filter((id) => !seen.has(id))
          .slice(0, this.opts.recheckPerScan);
        for (const id of left) {
          await work.add(() => this.reading.request(id, { reasons: new Set(['left the open list']), listed: undefined }));
        }
        await work.drain();
      }
    }
    log.debug({ kind, pages, complete, synced }, 'chat list scanned');
    return { kind, pages, complete, synced };
  }

  /**
   * Asks getChats, by context, about the finished chats active most recently: Market may keep a chat FINISHED when
   * the buyer writes again (the docs do not say), and then only its updatedAt moves, which the open scan cannot
   * see. Returns the pages read. Chats listed are added to `seen`.
   */
  private async watchFinished(seen: Set<number>, work: Pool): Promise<number> {
    const { db, market } = this.deps;
    const watched = recentlyFinished(db, this.deps.businessId, this.now() - this.opts.finishedWatchMs, this.opts.finishedWatchPages * CHATS_PAGE)
      .filter((c) => !seen.has(c.marketChatId));
    let pages = 0;
    try {
      for (let i = 0; i < watched.length && !this.stopped; i += CHATS_PAGE) {
        const contexts = new Map<string, { type: 'ORDER' | 'RETURN'; id: number }>();
        for (const c of watched.slice(i, i + CHATS_PAGE)) {
          const ctx = c.contextType === 'RETURN' ? { type: 'RETURN' as const, id: c.returnId! } : { type: 'ORDER' as const, id: c.orderId! };
          contexts.set(`${ctx.type}:${ctx.id}`, ctx);
        }
        let pageToken: string | undefined;
        do {
          const page = await market.getChats(
            { contexts: [...contexts.values()] },
            { limit: CHATS_PAGE, ...(pageToken ? { pageToken } : {}) },
          );
          pages++;
          const stored = marketChatsIn(db, this.deps.businessId, page.chats.map((c) => c.chatId));
          const now = this.now();
          for (const chat of page.chats) {
            seen.add(chat.chatId);
            const known = stored.get(chat.chatId);
            if (!known) continue; // another chat of the same order: the next full scan brings it in properly
            if (decide(chat, known, { firstStart: false, now, backfillMs: this.opts.backfillMs }) !== 'sync') continue;
            await work.add(() => this.reading.request(chat.chatId, { reasons: new Set(['finished chat changed']), listed: { chat, at: now } }));
          }
          pageToken = page.paging?.nextPageToken;
        } while (pageToken && !this.stopped);
      }
    } catch (err) {
      this.logFailure('could not check finished chats; the next scan tries again', err, { pages });
    }
    return pages;
  }

  private async run(): Promise<void> {
    const lastFull = Number(getKv(this.deps.db, shopKey(LAST_FULL_SCAN_KEY, this.deps.businessId)) ?? NaN);
    if (Number.isFinite(lastFull)) this.lastFullAt = lastFull;
    this.retryPending();
    while (!this.stopped) {
      const { market } = this.deps;
      const full = fullScanAllowed({
        lastFullAt: this.lastFullAt,
        everyMs: this.opts.fullScanEveryMs,
        now: this.now(),
        fullPages: this.pages.full,
        remaining: market.remaining('getChats'),
        reserve: this.opts.reserveCalls,
      });
      const result = await this.scan(full ? 'full' : 'open');
      this.retryPending();
      const delay = nextScanDelay({
        intervalMs: this.opts.intervalMs,
        pagesPerScan: this.pages[result.kind],
        remaining: market.remaining('getChats'),
        reserve: this.opts.reserveCalls,
        blockedUntil: market.blockedUntil('getChats'),
        now: this.now(),
      });
      if (delay > this.opts.intervalMs) {
        this.deps.log.debug({ delayMs: delay }, 'next chat list scan postponed to save the getChats quota');
      }
      try {
        await sleep(delay, this.stopSignal.signal);
      } catch {
        return;
      }
    }
  }

  /** Posts what was recorded but not shown (Telegram lets the bot post again); the oldest-waiting chat first. */
  showPending(): void {
    this.retryPending();
  }

  /**
   * Posts messages recorded earlier but not yet in Telegram (a restart, or Telegram refusing for a while). Not
   * awaited by the loop: Telegram's pace must not hold up the next scan.
   */
  private retryPending(): void {
    for (const id of chatsWithPending(this.deps.db, this.deps.businessId)) {
      if (this.stopped) return;
      if (this.showing.current(id) === undefined) void this.showing.request(id, new Set(['retry']));
    }
  }

  private async syncOnce(chatId: number, req: Request): Promise<void> {
    const { db, log } = this.deps;
    const stored = getMarketChat(db, this.deps.businessId, chatId);
    const readStartedAt = this.now();
    const read = (resume: string | undefined) => this.readHistory(chatId, stored?.lastMessageId ?? null, resume);
    const [info, outcome] = await Promise.all([
      req.listed ? Promise.resolve(req.listed.chat) : this.chatInfo(chatId),
      read(stored?.historyResume?.pageToken)
        .catch((err: unknown) => {
          // A page token Market no longer takes: read again from the cursor (what was recorded stays recorded).
          if (stored?.historyResume && err instanceof MarketError && err.kind === 'rejected') return read(undefined);
          throw err;
        })
        .then(
          (history) => ({ history }),
          (error: unknown) => ({ error }),
        ),
    ]);
    
    if ('error' in outcome) {
      if (outcome.error instanceof MarketError && outcome.error.kind === 'not_found') return this.vanished(chatId, stored);
      // What was recorded before still goes out while Market refuses.
      if (stored) void this.showing.request(chatId, req.reasons);
      throw outcome.error;
    }
    const { history } = outcome;
    if (this.stopped) return;

    const firstStart = getKv(db, shopKey(FIRST_SCAN_KEY, this.deps.businessId)) === undefined;
    const shownFrom = stored ? stored.shownFrom : firstStart ? this.now() - this.opts.backfillMs : null;
    const fresh = newMessages(history.messages, { lastMessageId: stored?.lastMessageId ?? null, shownFrom });
    const cursor = confirmUpdatedAt({
      stored,
      listed: req.listed ? { updatedAt: marketTime(req.listed.chat.updatedAt), at: req.listed.at } : undefined,
      readStartedAt,
      complete: history.resumeFrom === undefined,
    });
    recordSync(
      db,
      this.deps.businessId,
      {
        facts: info ? factsOf(info) : factsFromHistory(chatId, history.context, stored),
        marketUpdatedAt: cursor.marketUpdatedAt,
        recheckAfter: cursor.recheckAfter,
        shownFrom,
        messages: fresh.messages,
        skipped: fresh.skipped,
        lastMessageId: fresh.lastMessageId,
        ...(history.resumeFrom !== undefined ? { resumeFrom: history.resumeFrom } : {}),
        clockSkewMs: this.opts.clockSkewMs,
      },
      this.now(),
    );
    if (fresh.messages.length > 0 || fresh.skipped > 0) {
      log.info(
        { marketChatId: chatId, recorded: fresh.messages.length, skipped: fresh.skipped, reasons: [...req.reasons] },
        'new chat messages recorded',
      );
    }
    void this.showing.request(chatId, req.reasons);
  }

  /** Posts the chat's pending messages in order, then shows what changed. Stops at the first refusal (order). */
  private async present(chatId: number, reasons: ReadonlySet<SyncReason>): Promise<void> {
    const { db, target } = this.deps;
    if (!target.ready()) return;
    const pending = pendingMessages(db, this.deps.businessId, chatId);
    if (pending.length > 0) await this.deps.translate?.(chatId, pending);
    for (let i = 0; i < pending.length; ) {
      if (this.stopped || !target.ready()) return;
      const chat = getMarketChat(db, this.deps.businessId, chatId);
      if (!chat) return;
      i += Math.max(1, await target.postPending(chat, pending.slice(i)));
    }
    const chat = getMarketChat(db, this.deps.businessId, chatId);
    if (!chat || this.stopped || !target.ready()) return;
    const change: ChatChange = {
      finished: chat.status === 'FINISHED' && chat.shownStatus !== 'FINISHED',
      dispute: disputeEvent(reasons, chat.shownStatus, chat.status),
      vanished: chat.status === VANISHED && chat.shownStatus !== VANISHED,
    };
    await target.update(chat, change);
    if (chat.shownStatus !== chat.status) setPresentation(db, this.deps.businessId, chatId, { shownStatus: chat.status }, this.now());
  }

  /** getChat for the push path; undefined when its quota is short or it failed (the history still tells a lot). */
  private async chatInfo(chatId: number): Promise<ChatInfo | undefined> {
    if (this.deps.market.blockedUntil('getChat') !== undefined) return undefined;
    try {
      return await this.deps.market.getChat(chatId);
    } catch (err) {
      if (!(err instanceof MarketError && err.kind === 'not_found')) {
        this.logFailure('getChat failed; syncing from the history alone', err, { marketChatId: chatId });
      }
      return undefined;
    }
  }

  /**
   * Every message after `lastMessageId` (all of them for a chat never read), in whatever order Market pages them,
   * from `resume` on when an earlier pass was cut short. At most maxHistoryPages pages: `resumeFrom` then says where
   * the next pass continues.
   */
  private async readHistory(
    chatId: number,
    lastMessageId: number | null,
    resume: string | undefined,
  ): Promise<{ context: ChatContext; messages: ChatMessage[]; resumeFrom?: string }> {
    const messages: ChatMessage[] = [];
    let context: ChatContext | undefined;
    let pageToken: string | undefined = resume;
    for (let page = 0; page < this.opts.maxHistoryPages; page++) {
      const res = await this.deps.market.getChatHistory(
        { chatId, limit: HISTORY_PAGE, ...(pageToken ? { pageToken } : {}) },
        lastMessageId !== null ? { messageIdFrom: lastMessageId + 1 } : {},
      );
      context = res.context as ChatContext;
      messages.push(...(res.messages as ChatMessage[]));
      pageToken = res.paging?.nextPageToken;
      if (!pageToken || res.messages.length === 0) return { context: context!, messages };
    }
    this.deps.log.warn(
      { marketChatId: chatId, pages: this.opts.maxHistoryPages },
      'chat history longer than one sync reads; the rest is read on the next pass, then shown in order',
    );
    return { context: context!, messages, resumeFrom: pageToken };
  }

  private async vanished(chatId: number, stored: MarketChatRow | undefined): Promise<void> {
    if (!stored) {
      this.deps.log.warn({ marketChatId: chatId }, 'Market has no such chat (404); nothing to sync');
      return;
    }
    if (stored.status === VANISHED) return;
    this.deps.log.warn({ marketChatId: chatId }, 'Market no longer has this chat (404)');
    markChatStatus(this.deps.db, this.deps.businessId, chatId, VANISHED, this.now());
    void this.showing.request(chatId, new Set(['vanished']));
  }

  private logFailure(msg: string, err: unknown, ctx: Record<string, unknown>): void {
    if (err instanceof MarketError) {
      this.deps.log.warn({ ...ctx, kind: err.kind, status: err.status, code: err.code, retryAt: err.retryAt }, msg);
    } else if (err instanceof QuotaExhausted) {
      this.deps.log.info({ ...ctx, op: err.op, until: err.until }, msg);
    } else {
      const e = err as { message?: unknown; description?: unknown };
      this.deps.log.warn({ ...ctx, err: typeof e?.description === 'string' ? e.description : String(e?.message ?? err) }, msg);
    }
  }
}

/** At most `size` tasks at once; add() waits for a free slot, so a long listing never piles up work. */
class Pool {
  private readonly active = new Set<Promise<void>>();
  constructor(private readonly size: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.active.size >= this.size) await Promise.race(this.active);
    const p: Promise<void> = task().finally(() => this.active.delete(p));
    this.active.add(p);
  }

  async drain(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }
}
