import type { RateLimitCause } from './errors.js';

/**
 * Market's limits, held in one place: at most 4 requests in flight per business, and an hourly quota per method.
 * Requests wait for a slot in priority order (a seller's reply before background sync), and a method whose quota
 * is used up is refused locally with the time it frees up, so the bridge queues instead of collecting 420s.
 * The local count is corrected from X-RateLimit-Resource-Remaining/-Until on every answer.
 */

export type OperationId =
  | 'createChat'
  | 'getChats'
  | 'getChat'
  | 'getChatHistory'
  | 'getChatMessage'
  | 'sendMessageToChat'
  | 'sendFileToChat'
  | 'getAuthTokenInfo'
  | 'getCampaigns'
  | 'getBusinessOrders'
  // Reviews and product questions (issue 12): background reads, seller writes.
  | 'getGoodsFeedbacks'
  | 'getGoodsFeedbackComments'
  | 'updateGoodsFeedbackComment'
  | 'skipGoodsFeedbacksReaction'
  | 'getGoodsQuestions'
  | 'getGoodsQuestionAnswers'
  | 'updateGoodsQuestionTextEntity';

/** Hourly quotas from the spec's x-resource-limit-config (identical for every tariff). */
export const HOURLY_QUOTAS: Readonly<Record<OperationId, number>> = {
  createChat: 1000,
  getChats: 5000,
  getChat: 1000,
  getChatHistory: 10000,
  getChatMessage: 1000,
  sendMessageToChat: 1000,
  sendFileToChat: 1000,
  getAuthTokenInfo: 100,
  getCampaigns: 1000,
  /** Order reads for the chat card: 10,000/h on both tariffs (its parallel-limit-value 6 is above the 4 per business). */
  getBusinessOrders: 10000,
  // Reviews and questions: the spec's two tariffs differ here; `none`, the lower one, is planned for (NOTES.md).
  getGoodsFeedbacks: 5000,
  getGoodsFeedbackComments: 5000,
  updateGoodsFeedbackComment: 1000,
  skipGoodsFeedbacksReaction: 500,
  getGoodsQuestions: 1000,
  getGoodsQuestionAnswers: 1000,
  updateGoodsQuestionTextEntity: 500,
};

/** Market answers 420 past this many parallel requests per businessId. */
export const MAX_PARALLEL_PER_BUSINESS = 4;

const HOUR_MS = 60 * 60 * 1000;
/** After a "4 parallel requests" 420 (should not happen, but other tools may share the key), back off briefly. */
const PARALLEL_BACKOFF_MS = 1000;

/**
 * After a 420 Market does not explain (neither documented answer, see rateLimitCause): the method waits this long
 * (or until X-RateLimit-Resource-Until, if sooner), then is tried again. Never the whole hourly window: a stray 420
 * must not hold a seller's reply for an hour.
 */
export const UNRECOGNISED_420_PAUSE_MS = 10_000;

/** `relay`: a seller is waiting. `sync`: background work that must leave room for sellers. */
export type Priority = 'relay' | 'sync';

export interface RateHeaders {
  limit?: number;
  remaining?: number;
  /** Unix ms. */
  until?: number;
}

export class QuotaExhausted extends Error {
  override readonly name = 'QuotaExhausted';
  constructor(
    readonly op: OperationId,
    /** Unix ms when the method may be called again. */
    readonly until: number,
    /** Paused by Market's 420 (rather than the hourly count running out). */
    readonly paused = false,
  ) {
    super(`hourly quota of ${op} used up until ${new Date(until).toISOString()}`);
  }
}

export interface Window {
  limit: number;
  used: number;
  /** End of the current window, Unix ms; undefined until the first call opens one. */
  end: number | undefined;
  /** Set by a 420: no calls before this time. */
  pausedUntil: number | undefined;
}

interface Waiter {
  priority: Priority;
  seq: number;
  resolve: () => void;
}

export interface Permit {
  /**
   * Call once with the answer's status and rate headers (or undefined when no answer came); for a 420, its cause
   * (an undefined cause counts as `unknown`).
   */
  release(status?: number, headers?: RateHeaders, cause?: RateLimitCause): void;
}

export interface LimitsOptions {
  maxParallel?: number;
  quotas?: Partial<Record<OperationId, number>>;
  /** Share of each quota that background sync leaves for sellers (0..1). */
  syncReserve?: number;
  now?: () => number;
}

export class MarketLimits {
  readonly maxParallel: number;
  private readonly windows = new Map<OperationId, Window>();
  private readonly quotas: Record<OperationId, number>;
  private readonly syncReserve: number;
  private readonly now: () => number;
  private inFlight = 0;
  private waiters: Waiter[] = [];
  private seq = 0;
  private parallelPauseUntil = 0;
  /** Highest number of requests ever in flight at once (for tests and the benchmark). */
  maxInFlightSeen = 0;

  constructor(opts: LimitsOptions = {}) {
    this.maxParallel = opts.maxParallel ?? MAX_PARALLEL_PER_BUSINESS;
    this.quotas = { ...HOURLY_QUOTAS, ...opts.quotas };
    this.syncReserve = opts.syncReserve ?? 0.2;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Waits for a request slot, having checked the method's quota. Throws QuotaExhausted (without waiting) when
   * the method cannot be called now; the caller decides whether to queue, skip or tell the seller.
   */
  async acquire(op: OperationId, priority: Priority): Promise<Permit> {
    this.checkQuota(op, priority);
    if (this.inFlight >= this.maxParallel || this.waiters.length > 0 || this.now() < this.parallelPauseUntil) {
      await new Promise<void>((resolve) => {
        this.waiters.push({ priority, seq: this.seq++, resolve });
        this.waiters.sort((a, b) => rank(a.priority) - rank(b.priority) || a.seq - b.seq);
        this.scheduleWake();
      });
      // The quota may have been used up while waiting.
      try {
        this.checkQuota(op, priority);
      } catch (err) {
        this.inFlight--;
        this.wake();
        throw err;
      }
    } else {
      this.inFlight++;
    }
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlight);
    this.count(op);
    let released = false;
    return {
      release: (status, headers, cause) => {
        if (released) return;
        released = true;
        this.inFlight--;
        if (status !== undefined) this.observe(op, status, headers ?? {}, cause ?? 'unknown');
        this.wake();
      },
    };
  }

  /** Time when `op` can next be called at this priority, or undefined if it can be called now. */
  blockedUntil(op: OperationId, priority: Priority): number | undefined {
    return this.blocked(op, priority)?.until;
  }

  /** Why and until when `op` cannot be called at this priority, or undefined if it can be called now. */
  blocked(op: OperationId, priority: Priority): { until: number; paused: boolean } | undefined {
    try {
      this.checkQuota(op, priority);
      return undefined;
    } catch (err) {
      if (err instanceof QuotaExhausted) return { until: err.until, paused: err.paused };
      throw err;
    }
  }

  /** The current windows, to be kept across a restart (see restore). */
  snapshot(): Partial<Record<OperationId, Window>> {
    const out: Partial<Record<OperationId, Window>> = {};
    for (const [op, w] of this.windows) if (w.end !== undefined || w.pausedUntil !== undefined) out[op] = { ...w };
    return out;
  }

  /**
   * Takes over windows from before a restart, so a restart does not forget that a quota is used up (and then
   * learn it from a 420). Windows that have ended are dropped.
   */
  restore(saved: Partial<Record<OperationId, Partial<Window>>>): void {
    const now = this.now();
    for (const [op, w] of Object.entries(saved) as [OperationId, Partial<Window>][]) {
      if (!(op in HOURLY_QUOTAS) || typeof w.used !== 'number' || typeof w.limit !== 'number') continue;
      const end = typeof w.end === 'number' && w.end > now ? w.end : undefined;
      const pausedUntil = typeof w.pausedUntil === 'number' && w.pausedUntil > now ? w.pausedUntil : undefined;
      if (end === undefined && pausedUntil === undefined) continue;
      this.windows.set(op, { limit: w.limit, used: end !== undefined ? w.used : 0, end, pausedUntil });
    }
  }

  /** Remaining calls of `op` in the current window, as far as the bridge knows. */
  remaining(op: OperationId): number {
    const w = this.window(op);
    return Math.max(0, w.limit - w.used);
  }

  get inFlightNow(): number {
    return this.inFlight;
  }

  private window(op: OperationId): Window {
    let w = this.windows.get(op);
    const now = this.now();
    if (!w) {
      w = { limit: this.quotas[op], used: 0, end: undefined, pausedUntil: undefined };
      this.windows.set(op, w);
    }
    if (w.end !== undefined && now >= w.end) {
      w.used = 0;
      w.end = undefined;
    }
    if (w.pausedUntil !== undefined && now >= w.pausedUntil) w.pausedUntil = undefined;
    return w;
  }

  private checkQuota(op: OperationId, priority: Priority): void {
    const w = this.window(op);
    const now = this.now();
    if (w.pausedUntil !== undefined) throw new QuotaExhausted(op, w.pausedUntil, true);
    const reserve = priority === 'sync' ? Math.floor(w.limit * this.syncReserve) : 0;
    if (w.used >= w.limit - reserve) throw new QuotaExhausted(op, w.end ?? now + HOUR_MS);
  }

  private count(op: OperationId): void {
    const w = this.window(op);
    if (w.end === undefined) w.end = this.now() + HOUR_MS;
    w.used++;
  }

  private observe(op: OperationId, status: number, h: RateHeaders, cause: RateLimitCause): void {
    const w = this.window(op);
    if (status === 420 && cause === 'parallel') {
      this.parallelPauseUntil = this.now() + PARALLEL_BACKOFF_MS;
      return;
    }
    if (h.limit !== undefined && h.limit > 0) w.limit = h.limit;
    const marketEnd = h.until !== undefined && h.until > this.now() ? h.until : undefined;
    const newWindow = marketEnd !== undefined && (w.end === undefined || marketEnd > w.end + 1000);
    // Market's window end is the truth, also when it comes sooner than the one we guessed from our first call.
    if (marketEnd !== undefined && (newWindow || (w.end !== undefined && marketEnd < w.end))) w.end = marketEnd;
    if (h.remaining !== undefined) {
      // Market's count is the truth. Within a window answers arrive out of order, so never lower our count then;
      // a window Market has just opened resets it.
      w.used = newWindow ? w.limit - h.remaining : Math.max(w.used, w.limit - h.remaining);
    }
    if (status === 420 && cause === 'unknown') {
      // Not a documented answer: the count above stays Market's, and only a short pause is taken.
      const brief = this.now() + UNRECOGNISED_420_PAUSE_MS;
      w.pausedUntil = marketEnd !== undefined && marketEnd < brief ? marketEnd : brief;
    } else if (status === 420) {
      // Used up until Until (or a minute without it); the window ends then, so the count starts afresh afterwards
      // instead of blocking the method until the end of our own, possibly much later, window.
      const until = marketEnd ?? this.now() + 60_000;
      w.used = w.limit;
      w.end = until;
      w.pausedUntil = until;
    }
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.inFlight < this.maxParallel && this.now() >= this.parallelPauseUntil) {
      const next = this.waiters.shift()!;
      this.inFlight++;
      next.resolve();
    }
    this.scheduleWake();
  }

  private wakeTimer: NodeJS.Timeout | undefined;
  private scheduleWake(): void {
    const wait = this.parallelPauseUntil - this.now();
    if (this.waiters.length === 0 || wait <= 0 || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wake();
    }, wait);
    this.wakeTimer.unref();
  }
}

function rank(p: Priority): number {
  return p === 'relay' ? 0 : 1;
}
