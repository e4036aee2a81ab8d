/**
 * DIGEST_AT: once a day, at that time in the bot's zone, yesterday's answer figures and the chats still waiting go
 * to the team chat's General topic (or the private chat). The day of the last digest is kept in the kv table, so a
 * restart neither repeats it nor, when the bot was down at DIGEST_AT, skips it (it is posted once the bot is back
 * the same day).
 */
import type { Api } from 'grammy';
import { GrammyError } from 'grammy';
import type { AnswerReport } from '../bridge/answer-report.js';
import { dayKey } from '../bridge/answer-stats.js';
import { getKv, setKv } from '../db/kv.js';
import type { Db } from '../db/open.js';
import type { Logger } from '../logger.js';
import type { WaitingChatRow } from '../db/answer-times.js';
import type { WaitingFeedback } from '../db/waits.js';
import type { AnswerStats } from '../bridge/answer-stats.js';
import { t } from '../texts.js';
import { wallClock } from '../util/time-zone.js';
import { digestText, timesLine, waitingAbout, waitWords } from './answer-words.js';
import { describe } from './echo.js';
import { waitingWhat } from './features/desk.js';

/** How many waiting chats the digest names; the rest are counted. */
const DIGEST_WAITING_SHOWN = 10;
/** A refusal (a 4xx) is tried again on the next ticks, at most this many times a day. */
const MAX_TRIES = 3;

export interface DigestOptions {
  api: Api;
  db: Db;
  log: Logger;
  report: AnswerReport;
  businessId: number;
  at: { hour: number; minute: number };
  /** The team chat now (followed through a group's upgrade); no digest while there is none. */
  chatId: () => number | undefined;
  /** How often the time is looked at (tests lower it). */
  tickMs?: number;
  now?: () => number;
}

/** Minutes since midnight in a zone. */
function minuteOfDay(ms: number, timeZone: string): number {
  const c = wallClock(ms, timeZone);
  return c.hour * 60 + c.minute;
}

export class DailyDigest {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private tries = new Map<string, number>();
  private stopped = false;

  constructor(private readonly o: DigestOptions) {}

  private get key(): string {
    return `digest.lastDay.${this.o.businessId}`;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.check().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, this.o.tickMs ?? 30_000);
      });
    };
    tick();
  }

  /** Stops the timer; a post under way (Telegram may make it wait out a 429) gets at most `graceMs`. */
  async stop(graceMs = 0): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Posts today's digest if DIGEST_AT has passed and it was not posted yet. */
  async check(): Promise<void> {
    const now = (this.o.now ?? Date.now)();
    const zone = this.o.report.timeZone;
    const today = dayKey(now, zone);
    if (minuteOfDay(now, zone) < this.o.at.hour * 60 + this.o.at.minute) return;
    if (getKv(this.o.db, this.key) === today) return;
    const chatId = this.o.chatId();
    if (chatId === undefined) return;
    const tries = (this.tries.get(today) ?? 0) + 1;
    this.tries.set(today, tries);
    const { day, stats } = this.o.report.yesterday(now);
    const text = digestWithFeedback({
      day,
      stats,
      waiting: this.o.report.waiting(DIGEST_WAITING_SHOWN, now),
      feedback: this.o.report.waitingFeedback(DIGEST_WAITING_SHOWN, now),
      now,
    });
    try {
      await this.o.api.sendMessage(chatId, text);
      setKv(this.o.db, this.key, today, now);
    } catch (err) {
      // A refusal (not in the chat, 429 beyond auto-retry) left nothing posted: tried again a few times. Anything
      // else may have reached the chat (Telegram has no idempotency key): counted as posted rather than repeated.
      const refused = err instanceof GrammyError && err.error_code < 500;
      if (!refused || tries >= MAX_TRIES) setKv(this.o.db, this.key, today, now);
      this.o.log.warn({ err: describe(err), tgChatId: chatId, tries }, 'the daily digest could not be posted');
    }
  }
}

/**
 * The digest's text: as digestText (answer-words.ts) when no review or question waits; else the waiting figures
 * name each kind ("3 chats, 2 reviews, 1 question"), then the chats and the reviews and questions, each list cut at
 * the same length with the rest counted.
 */
export function digestWithFeedback(p: {
  day: string;
  stats: AnswerStats;
  waiting: { chats: WaitingChatRow[]; count: number };
  feedback: { items: WaitingFeedback[]; reviews: number; questions: number };
  now: number;
}): string {
  const { reviews, questions } = p.feedback;
  if (reviews + questions === 0) return digestText(p);
  const { conversations, answered } = p.stats.total;
  const lines = [t('digest.title', { day: p.day }), t('digest.summary', { conversations, answered }), timesLine(p.stats), ''];
  lines.push(t('desk.digest.waiting', { what: waitingWhat({ chats: p.waiting.count, reviews, questions }) }));
  for (const c of p.waiting.chats) {
    const waited = c.waitingSince === null ? t('digest.openDispute') : waitWords(p.now - c.waitingSince);
    lines.push(t('digest.waitLine', { about: waitingAbout(c), waited }));
  }
  if (p.waiting.count > p.waiting.chats.length) lines.push(t('digest.more', { count: p.waiting.count - p.waiting.chats.length }));
  for (const f of p.feedback.items) {
    const about = t('desk.digest.about', {
      kind: f.kind,
      id: f.targetId,
      rating: f.rating ?? 0,
      product: f.offerId ?? '',
      hasProduct: f.offerId ? 1 : 0,
      comment: f.comment ? 1 : 0,
    });
    lines.push(t('digest.waitLine', { about, waited: waitWords(f.waitedMs) }));
  }
  const more = reviews + questions - p.feedback.items.length;
  if (more > 0) lines.push(t('digest.more', { count: more }));
  return lines.join('\n');
}
