/**
 * Reminders before a buyer waits too long (REMIND_AFTER_MINUTES, within WORK_HOURS): one in the chat's topic
 * mentioning whoever took the chat (or the team members who write in the group), ⏰ in the topic's title, and
 * again at most once an hour while the wait lasts; once the shop replied the ⏰ goes. Everything is derived from
 * stored times (the waiting list, chat_reminders), so a restart neither forgets nor repeats a reminder; a periodic
 * check drives it.
 */
import { PeriodicCheck } from '../util/periodic.js';
import type { Db } from '../db/open.js';
import { deleteReminder, reminderRows, saveReminder } from '../db/reminders.js';
import { listWaiting, teamWriters } from '../db/waits.js';
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
