/**
 * Telegram pacing, in one place: everything the inbound sync sends goes through one queue per Telegram chat, which
 * runs its tasks one at a time, in order (so a thread's messages keep Market's order), no faster than Telegram lets a
 * bot write there: about 20 messages a minute to a group, about 1 a second to a private chat, about 30 a second in
 * all. A task that fails is the caller's to handle; the queue drops nothing on its own. 429s that slip through
 * anyway are waited out by @grammyjs/auto-retry on the bot's API.
 *
 * The relay's echo (reactions and short replies) does not go through here: a reaction costs no message, its
 * replies are rare, and a seller's error must not wait behind a backlog of buyer messages.
 */
import { sleep } from '../util/sleep.js';

export interface PacingOptions {
  /** Sends per rolling minute to one group or supergroup. */
  groupPerMinute: number;
  /** Sends per rolling second to one private chat. */
  privatePerSecond: number;
  /** Sends per rolling second over all chats. */
  globalPerSecond: number;
}

export const TELEGRAM_PACING: PacingOptions = { groupPerMinute: 20, privatePerSecond: 1, globalPerSecond: 30 };

export class OutboxClosed extends Error {
  override readonly name = 'OutboxClosed';
  constructor() {
    super('the Telegram outbox is closed');
  }
}

/** Times of recent sends within a rolling window (ordered); says how long until one more is allowed. */
class Window {
  private readonly times: number[] = [];
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  waitMs(now: number): number {
    this.prune(now);
    if (this.times.length < this.max) return 0;
    return this.times[0]! + this.windowMs - now;
  }

  /** Sends the window allows in all. */
  get size(): number {
    return this.max;
  }

  /** Sends still allowed within the window now. */
  free(now: number): number {
    this.prune(now);
    return Math.max(0, this.max - this.times.length);
  }

  /**
   * Counts a send that starts now. Telegram counts it when it arrives, which can be as late as its answer, so once
   * the answer is in, `settle` moves it to that moment: a window that opens from the start instead lets the 21st
   * send of a minute reach Telegram while the 1st is still in its window there, and earns a 429.
   */
  note(now: number): { settle: (answeredAt: number) => void } {
    this.times.push(now);
    return {
      settle: (answeredAt) => {
        const i = this.times.indexOf(now);
        if (i >= 0) this.times.splice(i, 1);
        let j = this.times.length;
        while (j > 0 && this.times[j - 1]! > answeredAt) j--;
        this.times.splice(j, 0, Math.max(now, answeredAt));
      },
    };
  }

  /** Nothing sent within the window: the window can be forgotten. */
  idle(now: number): boolean {
    this.prune(now);
    return this.times.length === 0;
  }

  private prune(now: number): void {
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
  }
}

export class TelegramOutbox {
  private readonly pacing: PacingOptions;
  private readonly now: () => number;
  private readonly chains = new Map<number, Promise<unknown>>();
  private readonly windows = new Map<number, Window>();
  private readonly global: Window;
  /** Tasks per Telegram chat queued and not yet started (their turn or their pacing still to come). */
  private readonly queued = new Map<number, number>();
  private readonly closing = new AbortController();

  constructor(opts: { pacing?: Partial<PacingOptions>; now?: () => number } = {}) {
    this.pacing = { ...TELEGRAM_PACING, ...opts.pacing };
    this.now = opts.now ?? Date.now;
    this.global = new Window(this.pacing.globalPerSecond, 1000);
  }

  /** Runs `task` after every task queued before it for `tgChatId`, once pacing allows one more message there. */
  run<T>(tgChatId: number, task: () => Promise<T>): Promise<T> {
    if (this.closing.signal.aborted) return Promise.reject(new OutboxClosed());
    const previous = this.chains.get(tgChatId) ?? Promise.resolve();
    this.queued.set(tgChatId, (this.queued.get(tgChatId) ?? 0) + 1);
    const next = previous.then(
      () => this.paced(tgChatId, task),
      () => this.paced(tgChatId, task),
    );
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(tgChatId, settled);
    void settled.then(() => {
      if (this.chains.get(tgChatId) === settled) this.chains.delete(tgChatId);
    });
    return next;
  }

  /**
   * Room for sends to `tgChatId` now. `free`: how many more could leave right now without waiting (what Telegram's
   * pacing there, and overall, still allows in its window, less the tasks queued for that chat ahead of them);
   * `size`: how many that chat's window allows in all. The inbound side asks it to tell whether a backlog would wait
   * behind the pacing (and is better shown in fewer posts).
   */
  room(tgChatId: number): { free: number; size: number } {
    const now = this.now();
    const window = this.windowOf(tgChatId);
    const free = Math.min(window.free(now), this.global.free(now));
    return { free: Math.max(0, free - (this.queued.get(tgChatId) ?? 0)), size: window.size };
  }

  /** Refuses new tasks; tasks waiting for their turn fail with OutboxClosed (their callers keep them recorded). */
  close(): void {
    this.closing.abort(new OutboxClosed());
  }

  /** Resolves when every queued task has run. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private async paced<T>(tgChatId: number, task: () => Promise<T>): Promise<T> {
    let counted: Array<{ settle: (answeredAt: number) => void }>;
    try {
      counted = await this.turn(tgChatId);
    } finally {
      const left = (this.queued.get(tgChatId) ?? 1) - 1;
      if (left > 0) this.queued.set(tgChatId, left);
      else this.queued.delete(tgChatId);
    }
    try {
      return await task();
    } finally {
      const answeredAt = this.now();
      for (const c of counted) c.settle(answeredAt);
    }
  }

  /** Waits until pacing allows one more send to `tgChatId`, and counts it (in its chat's window and overall). */
  private async turn(tgChatId: number): Promise<Array<{ settle: (answeredAt: number) => void }>> {
    const window = this.windowOf(tgChatId);
    for (;;) {
      if (this.closing.signal.aborted) throw new OutboxClosed();
      const now = this.now();
      const wait = Math.max(window.waitMs(now), this.global.waitMs(now));
      if (wait <= 0) break;
      await sleep(wait, this.closing.signal).catch(() => undefined);
    }
    const now = this.now();
    const counted = [window.note(now), this.global.note(now)];
    this.forgetIdleWindows(tgChatId);
    return counted;
  }

  private windowOf(tgChatId: number): Window {
    let w = this.windows.get(tgChatId);
    if (!w) {
      // Telegram's private chats have positive ids (the user's id); groups and supergroups negative ones.
      w = tgChatId > 0 ? new Window(this.pacing.privatePerSecond, 1000) : new Window(this.pacing.groupPerMinute, 60_000);
      this.windows.set(tgChatId, w);
    }
    return w;
  }

  /** Windows of chats with nothing queued and nothing recent are dropped, so memory follows activity. */
  private forgetIdleWindows(except: number): void {
    if (this.windows.size < 1000) return;
    const now = this.now();
    for (const [id, w] of this.windows) {
      if (id !== except && !this.chains.has(id) && w.idle(now)) this.windows.delete(id);
    }
  }
}
