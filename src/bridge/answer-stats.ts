/**
 * How fast the shop answers, from stored times only (no Market calls): per day in the bot's time zone, the number of
 * buyer conversations and the median and 90th-percentile time to the shop's first reply.
 *
 * A conversation starts with a buyer message written while the chat was not already waiting for the shop (the chat's
 * first buyer message, or the first one after a shop reply); the buyer's further messages before a reply belong to
 * it. It is answered by the next shop message (a reply typed in Telegram or in the Market cabinet). Market's and
 * support's own messages neither open nor answer one. A conversation belongs to the day (in the zone) it started.
 * Unanswered conversations are counted but have no reply time, so they are left out of the median and percentile.
 *
 * Pure: the caller hands in the events (see db/answer-times.ts), so the numbers can be checked on a made data set.
 */
import { offsetMinutes } from '../util/time-zone.js';

/** One stored message of a chat, as far as the statistics need it. */
export interface AnswerEvent {
  marketChatId: number;
  /** Unix ms (Market's createdAt, or when Market accepted a relay not yet seen in the history). */
  at: number;
  by: 'buyer' | 'shop';
}

/** How long a buyer waited between two instants; the default is the plain difference (WORK_HOURS plugs in here). */
export type WaitDuration = (fromMs: number, toMs: number) => number;

export const plainDuration: WaitDuration = (fromMs, toMs) => Math.max(0, toMs - fromMs);

export interface DayAnswers {
  /** The day in the zone, `YYYY-MM-DD`. */
  day: string;
  conversations: number;
  answered: number;
  /** Null when no conversation of the day was answered. */
  medianMs: number | null;
  p90Ms: number | null;
}

export interface AnswerStats {
  days: DayAnswers[];
  /** The whole window (not an average of the days: the percentiles of all its conversations). */
  total: Omit<DayAnswers, 'day'>;
}

export interface Conversation {
  marketChatId: number;
  startedAt: number;
  /** Undefined while the shop has not replied. */
  answeredAt: number | undefined;
}

/**
 * Splits each chat's events into conversations. Events of a chat are taken in the order given when their times are
 * equal (the query orders them by Market's message id, which orders Market's whole-second timestamps).
 */
export function conversations(events: readonly AnswerEvent[]): Conversation[] {
  const byChat = new Map<number, AnswerEvent[]>();
  for (const e of events) {
    let list = byChat.get(e.marketChatId);
    if (!list) byChat.set(e.marketChatId, (list = []));
    list.push(e);
  }
  const out: Conversation[] = [];
  for (const [marketChatId, list] of byChat) {
    const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
    let open: Conversation | undefined;
    for (const { e } of sorted) {
      if (e.by === 'buyer') {
        if (!open) out.push((open = { marketChatId, startedAt: e.at, answeredAt: undefined }));
      } else if (open) {
        open.answeredAt = e.at;
        open = undefined;
      }
    }
  }
  return out;
}

/** Median: the middle value, or the mean of the two middle ones for an even count. */
export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Nearest-rank percentile: the smallest value that at least `p`% of the values are at or below. */
export function percentile(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)]!;
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayKey(ms: number, timeZone: string): string {
  return new Date(ms + offsetMinutes(ms, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The calendar day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export interface StatsWindow {
  /** The last day of the window (`YYYY-MM-DD` in the zone), included. */
  lastDay: string;
  /** How many days, ending with lastDay. */
  days: number;
}

export interface AnswerStatsOptions {
  timeZone: string;
  duration?: WaitDuration;
}

function summarise(list: readonly Conversation[], duration: WaitDuration): Omit<DayAnswers, 'day'> {
  const waits = list
    .filter((c) => c.answeredAt !== undefined)
    .map((c) => duration(c.startedAt, c.answeredAt!))
    .sort((a, b) => a - b);
  return { conversations: list.length, answered: waits.length, medianMs: median(waits), p90Ms: percentile(waits, 90) };
}

/** Per-day and whole-window figures of the conversations that started inside the window. */
export function answerStats(events: readonly AnswerEvent[], window: StatsWindow, opts: AnswerStatsOptions): AnswerStats {
  const duration = opts.duration ?? plainDuration;
  const firstDay = addDays(window.lastDay, -(window.days - 1));
  const perDay = new Map<string, Conversation[]>();
  for (let i = 0; i < window.days; i++) perDay.set(addDays(firstDay, i), []);
  const inWindow: Conversation[] = [];
  for (const c of conversations(events)) {
    const list = perDay.get(dayKey(c.startedAt, opts.timeZone));
    if (!list) continue;
    list.push(c);
    inWindow.push(c);
  }
  return {
    days: [...perDay].map(([day, list]) => ({ day, ...summarise(list, duration) })),
    total: summarise(inWindow, duration),
  };
}

/** How far back events must be read so a conversation open when the window starts is not taken for a new one. */
export const LOOKBACK_DAYS = 30;
