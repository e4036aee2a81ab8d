/** The reminder rules on a clock the test moves: WORK_HOURS, a wait begun at night counting from the opening. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER_OPTIONS, Reminders, type FeedbackReminderTarget, type Mention, type ReminderTarget } from '../../src/bridge/reminders.js';
import { parseWorkHours } from '../../src/bridge/work-hours.js';
import { movePost, recordPost, updatePost } from '../../src/db/feedback.js';
import { recordSync } from '../../src/db/inbound.js';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { createLogger } from '../../src/logger.js';

const MIN = 60_000;
const msk = (iso: string) => Date.parse(`${iso}+03:00`);

let opened: { db: OpenDb; dir: string } | undefined;
afterEach(() => {
  opened?.db.close();
  if (opened) rmSync(opened.dir, { recursive: true, force: true });
  opened = undefined;
});

function setup(remindAfterMs: number, hours: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'reminders-'));
  const db = openDb(join(dir, 'bridge.sqlite'));
  opened = { db, dir };
  const calls: Array<{ chat: number; waitedMs: number; mention: Mention[] }> = [];
  const titles: number[] = [];
  const target: ReminderTarget = {
    remind: async (chat, waitedMs, mention) => void calls.push({ chat, waitedMs, mention }),
    refreshTitle: async (chat) => void titles.push(chat),
  };
  const feedbackCalls: Array<{ kind: string; id: number; waitedMs: number }> = [];
  const feedbackTarget: FeedbackReminderTarget = {
    remindFeedback: async (f, waitedMs) => void feedbackCalls.push({ kind: f.kind, id: f.targetId, waitedMs }),
  };
  let now = 0;
  const reminders = new Reminders({
    db: db.db,
    log: createLogger({ level: 'silent', secrets: [] }),
    businessId: 1,
    tgChatId: () => -1001,
    team: new Set([111]),
    target,
    feedbackTarget,
    options: { ...DEFAULT_REMINDER_OPTIONS, remindAfterMs, workHours: hours ? parseWorkHours(hours) : undefined },
    now: () => now,
  });
  const buyerWrites = (chatId: number, id: number, at: number) =>
    recordSync(
      db.db,
      1,
      {
        facts: { marketChatId: chatId, type: 'CHAT', status: 'WAITING_FOR_PARTNER', contextType: 'ORDER', orderId: chatId, returnId: null, customerName: 'Ivan', marketCreatedAt: null },
        marketUpdatedAt: at,
        shownFrom: null,
        messages: [{ marketMessageId: id, sender: 'CUSTOMER', createdAt: at, text: 'hello?', files: null }],
        skipped: 0,
        lastMessageId: id,
        clockSkewMs: 0,
      },
      at,
    );
  /** A question the buyer wrote at `writtenAt`, recorded and posted by the bridge at `at`. */
  const questionPosted = (id: number, writtenAt: number, at: number) => {
    const key = { businessId: 1, kind: 'question' as const, targetId: id };
    recordPost(db.db, { ...key, data: { questionIdentifiers: { id, offerId: 'SKU-1' }, text: 'heavy?', createdAt: new Date(writtenAt).toISOString() } }, at);
    updatePost(db.db, key, { state: 'posted', tgChatId: -1001, tgMessageId: 100 + id, tgThreadId: 7 }, at);
  };
  const questionAnswered = (id: number, at: number) => movePost(db.db, { businessId: 1, kind: 'question', targetId: id }, ['posted'], 'answered', at);
  return { calls, titles, feedbackCalls, reminders, buyerWrites, questionPosted, questionAnswered, at: (ms: number) => (now = ms) };
}

describe('Reminders', () => {
  it('waits for the working hours: a buyer who wrote at night is reminded 30 working minutes after the opening', async () => {
    const r = setup(30 * MIN, '09:00-21:00');
    r.buyerWrites(5, 1, msk('2026-03-02T23:10:00'));
    for (const t of ['2026-03-02T23:50:00', '2026-03-03T03:00:00', '2026-03-03T09:00:00', '2026-03-03T09:29:00']) {
      r.at(msk(t));
      await r.reminders.check();
    }
    expect(r.calls).toEqual([]);
    r.at(msk('2026-03-03T09:30:00'));
    await r.reminders.check();
    expect(r.calls.map((c) => c.chat)).toEqual([5]);
    expect(r.titles).toEqual([5]);
    // Not again within the hour, again after it; never after closing time.
    r.at(msk('2026-03-03T10:29:00'));
    await r.reminders.check();
    expect(r.calls).toHaveLength(1);
    r.at(msk('2026-03-03T10:30:00'));
    await r.reminders.check();
    expect(r.calls).toHaveLength(2);
    r.at(msk('2026-03-03T22:00:00'));
    await r.reminders.check();
    expect(r.calls).toHaveLength(2);
  });

  it('reminds of a question once per wait, within working hours, counting from when the bridge posted it', async () => {
    const r = setup(30 * MIN, '09:00-21:00');
    // Written the day before, posted at night: 30 working minutes after the opening.
    r.questionPosted(9, msk('2026-03-01T12:00:00'), msk('2026-03-02T23:10:00'));
    for (const t of ['2026-03-02T23:50:00', '2026-03-03T09:29:00']) {
      r.at(msk(t));
      await r.reminders.check();
    }
    expect(r.feedbackCalls).toEqual([]);
    r.at(msk('2026-03-03T09:30:00'));
    await r.reminders.check();
    // The reminder says how long the buyer has waited (since they wrote).
    expect(r.feedbackCalls).toEqual([{ kind: 'question', id: 9, waitedMs: msk('2026-03-03T09:30:00') - msk('2026-03-01T12:00:00') }]);
    // Never again for this wait, not even hours later.
    r.at(msk('2026-03-03T15:00:00'));
    await r.reminders.check();
    expect(r.feedbackCalls).toHaveLength(1);
    expect(r.titles).toEqual([]);
    // Answered: forgotten.
    r.questionAnswered(9, msk('2026-03-03T15:01:00'));
    r.at(msk('2026-03-03T15:02:00'));
    await r.reminders.check();
    expect(r.feedbackCalls).toHaveLength(1);
  });

  it('does nothing when turned off (0)', async () => {
    const r = setup(0, undefined);
    r.buyerWrites(5, 1, 0);
    r.at(10 * 3_600_000);
    r.reminders.start();
    await r.reminders.check();
    await r.reminders.stop();
    expect(r.calls).toEqual([]);
  });
});
