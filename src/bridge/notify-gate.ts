/**
 * Between Market's push notifications and the inbound sync: whatever arrives, the work it causes is bounded.
 * Anyone who can reach the notification endpoint can post; a flood must cost a bounded number of Market requests
 * and bounded memory, and must not crowd out sellers' replies. A notification is only a hint (polling is the
 * safety net), so what the gate drops arrives later, never gets lost.
 *
 *  - Per chat, one sync at a time: a chat already waiting takes the new event into its entry; a chat being synced
 *    gets exactly one more sync after the running one (the running one may have read the history before the new
 *    message), however many events came in meanwhile.
 *  - Chats the database does not know (a new chat, or a made-up id) are looked up at most `unknownPerMinute` times
 *    in any minute, all chats together; the rest are dropped and wait for polling.
 *  - At most `maxPending` chats wait; beyond that, notifications are dropped. Drops are counted and logged at most
 *    once per `dropLogIntervalMs`.
 */
import type { Logger } from '../logger.js';

export type NotifyEventKind = 'chat_created' | 'message' | 'arbitrage_started' | 'arbitrage_finished';

export interface NotifyGateOptions {
  /** Look-ups of chats the database does not know, at most this many in any 60 s, all chats together. */
  unknownPerMinute: number;
  /** Chats waiting for their sync (not counting the ones running); more are dropped. */
  maxPending: number;
  /** Syncs run at once (each one waits for Market's 4-request limit, behind sellers' replies, anyway). */
  concurrency: number;
  /** Drops are logged at most this often, with their counts. */
  dropLogIntervalMs: number;
}

export const DEFAULT_NOTIFY_GATE_OPTIONS: NotifyGateOptions = {
  unknownPerMinute: 60,
  maxPending: 1_000,
  concurrency: 8,
  dropLogIntervalMs: 60_000,
};

const MINUTE_MS = 60_000;

export interface NotifyGateDeps {
  /** Brings one chat up to date (inbound.syncChat); should not reject (a rejection is logged). */
  sync(chatId: number, reason: string): Promise<void>;
  /** Whether the database knows the chat (db/known-chats.ts); read-only. */
  isKnown(chatId: number): boolean;
  log: Logger;
  now?: () => number;
  options?: Partial<NotifyGateOptions>;
}

/** What became of one notification. */
export type Admission = 'queued' | 'coalesced' | 'dropped_rate' | 'dropped_full' | 'closed';

export interface NotifyGateStats {
  /** Chats waiting now, and the most that ever waited at once. */
  pending: number;
  maxPendingSeen: number;
  /** Syncs running now. */
  running: number;
  /** Syncs started, and how many of them were look-ups of chats the database did not know. */
  syncs: number;
  unknownLookups: number;
  coalesced: number;
  dropped: { rate: number; full: number };
}

export class NotifyGate {
  private readonly opts: NotifyGateOptions;
  private readonly now: () => number;
  /** Waiting chats with the kinds of event they heard of; a Map keeps arrival order. */
  private readonly pending = new Map<number, Set<NotifyEventKind>>();
  /** Running chats; a value means "sync once more afterwards, for these events". */
  private readonly running = new Map<number, Set<NotifyEventKind> | undefined>();
  private readonly tasks = new Set<Promise<void>>();
  /** When the recent unknown-chat look-ups started (at most unknownPerMinute entries). */
  private readonly lookups: number[] = [];
  private readonly counts = { syncs: 0, unknownLookups: 0, coalesced: 0, maxPendingSeen: 0 };
  private readonly dropped = { rate: 0, full: 0 };
  /** Drops since the last log line. */
  private unlogged = { rate: 0, full: 0 };
  private lastDropLog = -Infinity;
  private dropLogTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: NotifyGateDeps) {
    this.opts = { ...DEFAULT_NOTIFY_GATE_OPTIONS, ...deps.options };
    this.now = deps.now ?? Date.now;
  }

  /** Takes one chat notification; returns at once (the sync runs later). */
  offer(chatId: number, kind: NotifyEventKind): Admission {
    if (this.closed) return 'closed';
    if (this.running.has(chatId)) {
      const again = this.running.get(chatId) ?? new Set<NotifyEventKind>();
      again.add(kind);
      this.running.set(chatId, again);
      this.counts.coalesced++;
      return 'coalesced';
    }
    const waiting = this.pending.get(chatId);
    if (waiting) {
      waiting.add(kind);
      this.counts.coalesced++;
      return 'coalesced';
    }
    if (this.pending.size >= this.opts.maxPending) return this.drop('full');
    if (!this.admitLookup(chatId)) return this.drop('rate');
    this.pending.set(chatId, new Set([kind]));
    this.counts.maxPendingSeen = Math.max(this.counts.maxPendingSeen, this.pending.size);
    this.pump();
    return 'queued';
  }

  stats(): NotifyGateStats {
    return {
      pending: this.pending.size,
      maxPendingSeen: this.counts.maxPendingSeen,
      running: this.running.size,
      syncs: this.counts.syncs,
      unknownLookups: this.counts.unknownLookups,
      coalesced: this.counts.coalesced,
      dropped: { ...this.dropped },
    };
  }

  /** Resolves when nothing waits or runs (tests, benchmark). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Stops starting syncs and forgets what waits (polling brings it after a restart); running ones finish. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    if (this.dropLogTimer) clearTimeout(this.dropLogTimer);
    this.dropLogTimer = undefined;
    this.logDrops();
  }

  /** A known chat passes; an unknown one needs room in the last minute's look-ups. */
  private admitLookup(chatId: number): boolean {
    if (this.deps.isKnown(chatId)) return true;
    const now = this.now();
    while (this.lookups.length > 0 && this.lookups[0]! <= now - MINUTE_MS) this.lookups.shift();
    if (this.lookups.length >= this.opts.unknownPerMinute) return false;
    this.lookups.push(now);
    this.counts.unknownLookups++;
    return true;
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.pending.size > 0) {
      const [chatId, kinds] = this.pending.entries().next().value as [number, Set<NotifyEventKind>];
      this.pending.delete(chatId);
      this.running.set(chatId, undefined);
      const task = this.run(chatId, kinds);
      this.tasks.add(task);
      void task.finally(() => this.tasks.delete(task));
    }
  }

  private async run(chatId: number, first: Set<NotifyEventKind>): Promise<void> {
    let kinds: Set<NotifyEventKind> | undefined = first;
    try {
      while (kinds && !this.closed) {
        this.running.set(chatId, undefined);
        this.counts.syncs++;
        try {
          // Event kinds ride along in the reason: the sync reads a dispute's start or end from it.
          await this.deps.sync(chatId, `notification:${[...kinds].join('+')}`);
        } catch (err) {
          this.deps.log.error({ err, marketChatId: chatId }, 'notification sync failed');
        }
        kinds = this.running.get(chatId);
        // The sync may have found the chat (now known, free) or not (another look-up, rationed like any other).
        if (kinds && !this.closed && !this.admitLookup(chatId)) {
          this.drop('rate');
          kinds = undefined;
        }
      }
    } finally {
      this.running.delete(chatId);
      this.pump();
    }
  }

  private drop(why: 'rate' | 'full'): Admission {
    this.dropped[why]++;
    this.unlogged[why]++;
    const wait = this.lastDropLog + this.opts.dropLogIntervalMs - this.now();
    if (wait <= 0) this.logDrops();
    else if (!this.dropLogTimer) {
      this.dropLogTimer = setTimeout(() => {
        this.dropLogTimer = undefined;
        this.logDrops();
      }, wait);
      this.dropLogTimer.unref();
    }
    return why === 'rate' ? 'dropped_rate' : 'dropped_full';
  }

  private logDrops(): void {
    const { rate, full } = this.unlogged;
    if (rate + full === 0) return;
    this.unlogged = { rate: 0, full: 0 };
    this.lastDropLog = this.now();
    this.deps.log.warn(
      {
        droppedUnknownChats: rate,
        droppedQueueFull: full,
        unknownPerMinute: this.opts.unknownPerMinute,
        maxPending: this.opts.maxPending,
      },
      'Market notifications dropped (too many for unknown chats, or too many waiting); polling brings those chats',
    );
  }
}
