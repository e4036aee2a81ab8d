/**
 * AWAY_MESSAGE (issue 11), one instance per shop: a buyer who writes outside WORK_HOURS gets the shop's away text
 * once per chat per non-working stretch (the stretch is named by its next opening). A periodic look at the stored
 * waits drives it: for a chat whose wait began in the current stretch and that has not had the text in it, a note
 * is posted in the chat's topic ("sent by the bot"), and its message id keys the relay ledger (so the echo lands on
 * it); the away_replies row and the relay row are one transaction, so a restart never sends it twice.
 */
import { PeriodicCheck } from '../util/periodic.js';
import { awaySent, recordAway } from '../db/away.js';
import { addAnchor } from '../db/links.js';
import type { Db } from '../db/open.js';
import type { RelayRow } from '../db/relays.js';
import { listWaiting } from '../db/waits.js';
import type { Logger } from '../logger.js';
import type { NewRelay } from './relay.js';
import { isWorkingAt, nextOpening, type WorkHours } from './work-hours.js';

/** The non-working stretch `ms` falls in, named by the next opening; undefined within working hours (or always open). */
export function awayStretch(ms: number, hours: WorkHours | undefined, timeZone: string): number | undefined {
  if (!hours || isWorkingAt(ms, hours, timeZone)) return undefined;
  return nextOpening(ms, hours, timeZone);
}

export interface AwayRelay {
  submit(input: NewRelay): RelayRow | undefined;
}

/** The Telegram side: posts the bot's note about the auto-reply in the chat's home. */
export interface AwayTarget {
  postAwayNote(marketChatId: number, text: string): Promise<{ tgChatId: number; tgMessageId: number; tgThreadId: number | null } | undefined>;
}

export interface AwayOptions {
  text: string | undefined;
  workHours: WorkHours | undefined;
  timeZone: string;
  checkMs: number;
}

export class AwayReplies {
  private readonly loop: PeriodicCheck;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      db: Db;
      log: Logger;
      businessId: number;
      tgChatId: () => number | undefined;
      relay: () => AwayRelay | undefined;
      target: AwayTarget;
      options: AwayOptions;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
    this.loop = new PeriodicCheck({
      everyMs: deps.options.checkMs,
      run: () => this.doCheck(),
      onError: (err) => deps.log.warn({ err: String(err) }, 'away check failed'),
    });
  }

  get enabled(): boolean {
    return !!this.deps.options.text && this.deps.options.workHours !== undefined;
  }

  start(): void {
    if (!this.enabled) return;
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
    const { db, businessId, options, log } = this.deps;
    const text = options.text;
    if (!text || !options.workHours) return;
    const now = this.now();
    const stretch = awayStretch(now, options.workHours, options.timeZone);
    if (stretch === undefined) return;
    const relay = this.deps.relay();
    if (!relay) return;
    const waits = listWaiting(db, { businessId, now, tgChatId: this.deps.tgChatId() }).filter((w) => w.unanswered);
    for (const w of waits) {
      if (this.loop.stopped) return;
      // Only a wait that began in this stretch (an older one was seen by the team in working hours, or had its night).
      if (awayStretch(w.since, options.workHours, options.timeZone) !== stretch) continue;
      if (awaySent(db, businessId, w.marketChatId, stretch)) continue;
      let note: Awaited<ReturnType<AwayTarget['postAwayNote']>>;
      try {
        note = await this.deps.target.postAwayNote(w.marketChatId, text);
      } catch (err) {
        log.warn({ marketChatId: w.marketChatId, err: String(err) }, 'away note not posted in Telegram');
        continue;
      }
      // No place in Telegram: not sent (the team could not see it).
      if (!note) continue;
      const at = this.now();
      const row = db.transaction(() => {
        if (!recordAway(db, { businessId, marketChatId: w.marketChatId, stretch, tgChatId: note.tgChatId, tgMessageId: note.tgMessageId }, at)) return undefined;
        const r = relay.submit({
          tgChatId: note.tgChatId,
          tgMessageId: note.tgMessageId,
          tgThreadId: note.tgThreadId,
          tgUserId: 0, // 0: the bot itself, not a team member
          marketChatId: w.marketChatId,
          text,
        });
        if (r) addAnchor(db, { tgChatId: note.tgChatId, tgMessageId: note.tgMessageId, businessId, marketChatId: w.marketChatId, kind: 'seller' }, at);
        return r;
      });
      log.info({ marketChatId: w.marketChatId, stretch, relay: row?.id }, 'away message handed to the relay');
    }
  }
}
