/**
 * Reminders before a buyer waits too long (REMIND_AFTER_MINUTES, within WORK_HOURS): one in the chat's topic
 * mentioning whoever took the chat (or the team members who write in the group), ⏰ in the topic's title, and
 * again at most once an hour while the wait lasts; once the shop replied the ⏰ goes. Everything is derived from
 * stored times (the waiting list, chat_reminders), so a restart neither forgets nor repeats a reminder; a periodic
 * check drives it.
 *
 * Reviews and product questions that wait (db/waits.ts `waitingFeedback`) get the same reminder, as a reply to their
 * post, once per wait (a buyer's new comment on an answered review is a new wait): they share one topic, so no ⏰
 * title and no repeats. Their threshold counts from when the bridge recorded them (before that nobody in Telegram
 * could answer; a review is often published days after it was written), their reminded waits are kept in `kv`.
 */
import { PeriodicCheck } from '../util/periodic.js';
import type { Db } from '../db/open.js';
import { getKv, setKv } from '../db/kv.js';
import { deleteReminder, reminderRows, saveReminder } from '../db/reminders.js';
import { listWaiting, teamWriters, waitingFeedback, type WaitingFeedback } from '../db/waits.js';
import type { Logger } from '../logger.js';
import { isWorkingAt, workingMsBetween, type WorkHours } from './work-hours.js';

export interface Mention {
  tgUserId: number;
  name: string;
  username: string | null;
}

/** The Telegram side (telegram/inbound.ts). */
export interface ReminderTarget {
  /** Posts a reminder about the chat in its home, mentioning `mention`. */
  remind(marketChatId: number, waitedMs: number, mention: Mention[]): Promise<void>;
  /** Brings the ⏰ in the chat's topic title in line with the stored reminders. */
  refreshTitle(marketChatId: number): Promise<void>;
}

/** The Telegram side of reviews and questions (telegram/feedback-posts.ts). */
export interface FeedbackReminderTarget {
  /** Posts a reminder as a reply to the item's post (`f.post`), mentioning `mention`. */
  remindFeedback(f: WaitingFeedback, waitedMs: number, mention: Mention[]): Promise<void>;
}

export interface ReminderOptions {
  /** REMIND_AFTER_MINUTES in ms; 0 = off. */
  remindAfterMs: number;
  workHours: WorkHours | undefined;
  /** BOT_TIMEZONE. */
  timeZone: string;
  /** How often the stored waits are looked at. */
  checkMs: number;
  /** At most one reminder per chat this often after the first. */
  repeatMs: number;
  /** How many team members a reminder mentions when nobody took the chat. */
  maxMentions: number;
}

export const DEFAULT_REMINDER_OPTIONS: Omit<ReminderOptions, 'remindAfterMs' | 'workHours'> = {
  timeZone: 'Europe/Moscow',
  checkMs: 30_000,
  repeatMs: 3_600_000,
  maxMentions: 5,
};

export class Reminders {
  private readonly loop: PeriodicCheck;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      db: Db;
      log: Logger;
      businessId: number;
      /** The Telegram chat the topics are in (followed through upgrades). */
      tgChatId: () => number | undefined;
      /** TELEGRAM_ADMIN_IDS: only they are mentioned. */
      team: ReadonlySet<number>;
      target: ReminderTarget;
      /** Reviews and questions (absent: their desk is off, they are not reminded of). */
      feedbackTarget?: FeedbackReminderTarget;
      options: ReminderOptions;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
    this.loop = new PeriodicCheck({
      everyMs: deps.options.checkMs,
      run: () => this.doCheck(),
      onError: (err) => deps.log.warn({ err: String(err) }, 'reminder check failed'),
    });
  }

  start(): void {
    if (this.deps.options.remindAfterMs <= 0) return;
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One look now (or the one under way); one at a time. */
  check(): Promise<void> {
    return this.loop.check();
  }

  private async doCheck(): Promise<void> {
    const { db, businessId, options, target, log } = this.deps;
    if (options.remindAfterMs <= 0) return;
    const now = this.now();
    const rows = reminderRows(db, businessId);
    const waits = listWaiting(db, { businessId, now, tgChatId: this.deps.tgChatId() }).filter((w) => w.unanswered);
    const working = isWorkingAt(now, options.workHours, options.timeZone);
    const waiting = new Set<number>();
    for (const w of waits) {
      if (this.loop.stopped) return;
      waiting.add(w.marketChatId);
      let row = rows.get(w.marketChatId);
      if (row && row.waitSince !== w.since) {
        // A new wait (the shop replied, the buyer wrote again): it starts over, and its ⏰ waits for its own time.
        row = { marketChatId: w.marketChatId, waitSince: w.since, count: 0, lastAt: null };
        saveReminder(db, businessId, row, now);
        await this.safely(w.marketChatId, () => target.refreshTitle(w.marketChatId));
      }
      if (!working) continue;
      const waited = workingMsBetween(w.since, now, options.workHours, options.timeZone);
      if (waited < options.remindAfterMs) continue;
      if (row && row.count > 0 && row.lastAt !== null && now - row.lastAt < options.repeatMs) continue;
      // Recorded before it is posted: a crash in between loses one reminder rather than repeating it.
      const next = { marketChatId: w.marketChatId, waitSince: w.since, count: (row?.count ?? 0) + 1, lastAt: now };
      saveReminder(db, businessId, next, now);
      const mention = w.takenBy
        ? [{ tgUserId: w.takenBy.tgUserId, name: w.takenBy.name, username: null }]
        : this.teamMentions();
      log.info({ marketChatId: w.marketChatId, waitedMs: waited, count: next.count }, 'reminding the team of a waiting buyer');
      await this.safely(w.marketChatId, () => target.remind(w.marketChatId, now - w.since, mention));
      await this.safely(w.marketChatId, () => target.refreshTitle(w.marketChatId));
    }
    // Waits that ended (a reply, the chat finished): the ⏰ goes with them.
    for (const row of rows.values()) {
      if (this.loop.stopped) return;
      if (waiting.has(row.marketChatId)) continue;
      deleteReminder(db, businessId, row.marketChatId);
      if (row.count > 0) await this.safely(row.marketChatId, () => target.refreshTitle(row.marketChatId));
    }
    await this.checkFeedback(now, working);
  }

  private get feedbackKey(): string {
    return `desk.feedbackReminded.${this.deps.businessId}`;
  }

  /** Reviews and questions: one reminder per wait, under the post. */
  private async checkFeedback(now: number, working: boolean): Promise<void> {
    const { db, businessId, options, feedbackTarget, log } = this.deps;
    if (!feedbackTarget) return;
    // "kind:id" -> the start of the wait that was reminded of.
    const before = JSON.parse(getKv(db, this.feedbackKey) ?? '{}') as Record<string, number>;
    const after: Record<string, number> = {};
    const waits = waitingFeedback(db, { businessId, now }).items;
    for (const f of waits) {
      const key = `${f.kind}:${f.targetId}`;
      if (before[key] === f.since) after[key] = f.since;
    }
    const save = () => {
      const value = JSON.stringify(after);
      if (value !== (getKv(db, this.feedbackKey) ?? '{}')) setKv(db, this.feedbackKey, value, now);
    };
    // Ended waits are forgotten (a later wait of the same review is reminded of again).
    save();
    if (!working) return;
    for (const f of waits) {
      if (this.loop.stopped) return;
      const key = `${f.kind}:${f.targetId}`;
      if (f.post === null || after[key] !== undefined) continue;
      const waited = workingMsBetween(Math.max(f.since, f.recordedAt), now, options.workHours, options.timeZone);
      if (waited < options.remindAfterMs) continue;
      // Recorded before it is posted: a crash in between loses one reminder rather than repeating it.
      after[key] = f.since;
      save();
      log.info({ kind: f.kind, targetId: f.targetId, waitedMs: waited }, 'reminding the team of a waiting review or question');
      try {
        await feedbackTarget.remindFeedback(f, f.waitedMs, this.teamMentions());
      } catch (err) {
        log.warn({ kind: f.kind, targetId: f.targetId, err: String(err) }, 'reminder not shown in Telegram');
      }
    }
  }

  private teamMentions(): Mention[] {
    const tgChatId = this.deps.tgChatId();
    if (tgChatId === undefined) return [];
    return teamWriters(this.deps.db, tgChatId, 50)
      .filter((w) => this.deps.team.has(w.tgUserId))
      .slice(0, this.deps.options.maxMentions);
  }

  private async safely(marketChatId: number, op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.deps.log.warn({ marketChatId, err: String(err) }, 'reminder not shown in Telegram');
    }
  }
}
