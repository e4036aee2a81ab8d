/**
 * The answer statistics of one shop, read from what the bridge stored: for /stats (the last N days) and for the
 * daily digest (yesterday, and the chats still waiting). One instance per business; the time zone and the wait
 * duration (plain difference, or working hours only) are given by the caller.
 */
import { answerEvents, type WaitingChatRow } from '../db/answer-times.js';
import { waitingFeedback, waitingPage, type WaitingFeedback } from '../db/waits.js';
import type { Db } from '../db/open.js';
import { addDays, answerStats, dayKey, LOOKBACK_DAYS, type AnswerStats, type WaitDuration } from './answer-stats.js';

const DAY_MS = 86_400_000;

export interface AnswerReportOptions {
  db: Db;
  businessId: number;
  /** IANA zone the days are counted in (BOT_TIMEZONE at merge). */
  timeZone?: string;
  /** How long a wait lasted; default the plain difference (WORK_HOURS at merge). */
  duration?: WaitDuration;
  /** Whether reviews and questions that wait are counted (false while their desk is off); default true. */
  countsFeedback?: boolean;
}

export class AnswerReport {
  readonly timeZone: string;
  constructor(private readonly opts: AnswerReportOptions) {
    this.timeZone = opts.timeZone ?? 'Europe/Moscow';
  }

  /** The `days` days ending today (in the zone). */
  lastDays(days: number, now = Date.now()): AnswerStats {
    return this.window(dayKey(now, this.timeZone), days, now);
  }

  /** Yesterday in the zone, as the digest reports it. */
  yesterday(now = Date.now()): { day: string; stats: AnswerStats } {
    const day = addDays(dayKey(now, this.timeZone), -1);
    return { day, stats: this.window(day, 1, now) };
  }

  /** Chats still waiting for the shop, oldest first, and how many there are in all. */
  waiting(limit: number, now = Date.now()): { chats: WaitingChatRow[]; count: number } {
    // The waiting list's own definition (db/waits.ts), so the digest and /chats never disagree.
    const page = waitingPage(this.opts.db, { businessId: this.opts.businessId, now, limit });
    const chats = page.chats.map((c) => ({
      marketChatId: c.marketChatId,
      type: c.type,
      contextType: c.contextType,
      orderId: c.orderId,
      returnId: c.returnId,
      customerName: c.customerName,
      waitingSince: c.unanswered ? c.since : null,
    }));
    return { chats, count: page.total };
  }

  /** Reviews and questions still waiting for the shop, oldest first, and how many of each there are in all. */
  waitingFeedback(limit: number, now = Date.now()): { items: WaitingFeedback[]; reviews: number; questions: number } {
    if (this.opts.countsFeedback === false) return { items: [], reviews: 0, questions: 0 };
    // The waiting list's own definition (db/waits.ts), as for the chats.
    return waitingFeedback(this.opts.db, { businessId: this.opts.businessId, now, limit });
  }

  private window(lastDay: string, days: number, now: number): AnswerStats {
    // Read from well before the window's first day: a conversation still open when the window starts is not new.
    const sinceMs = now - (days + 1 + LOOKBACK_DAYS) * DAY_MS;
    const events = answerEvents(this.opts.db, { businessId: this.opts.businessId, sinceMs });
    return answerStats(events, { lastDay, days }, { timeZone: this.timeZone, duration: this.opts.duration });
  }
}
