/**
 * A stop (SIGTERM runs the same stop()) is prompt however many posts wait behind Telegram's pacing: what waits is
 * recorded and goes out after the next start, so a supervisor's restart never waits for a group's send window (the
 * benchmark's bridge once sat in stop() for minutes: a reminder waited for a paced post queued behind a buyer
 * backlog, and the outbox that would have refused it was closed only after the reminders had stopped).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { GROUP_ID, inbound, syncHarness } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A window of 20 sends a minute per group, as Telegram's. */
const PACING = { groupPerMinute: 20, privatePerSecond: 1_000_000, globalPerSecond: 1_000_000 };

describe('stop', () => {
  it('ends within the grace while reminders and buyer posts wait for the group\'s send window; they go out after the start', async () => {
    ({ h } = await syncHarness({
      env: { REMIND_AFTER_MINUTES: '0.01' }, // 0.6 s
      bridge: { inbound: { pacing: PACING, reminders: { checkMs: 100, repeatMs: 3_600_000 } } },
    }));
    const x = h;
    const chats = Array.from({ length: 4 }, (_, i) => x.market.addChat({ customerName: `Buyer ${i}` }));
    for (const c of chats) x.market.addMessage(c.chatId, { message: `Where is order ${c.chatId}?` });
    // The first chat is shown and waits; then other posts use up the group's window.
    await inbound(x).syncChat(chats[0]!.chatId, 'test');
    const outbox = inbound(x).outbox;
    while (outbox.room(GROUP_ID).free > 0) await outbox.run(GROUP_ID, async () => undefined);
    // The rest of the backlog queues behind the window, and the reminder of the first chat (due after 0.6 s) too.
    for (const c of chats.slice(1)) void inbound(x).syncChat(c.chatId, 'test');
    await x.until(() => x.logs.some((l) => l.includes('reminding the team of a waiting buyer')), 5000, 'a reminder under way');

    const started = Date.now();
    await x.stop();
    const took = Date.now() - started;
    // The harness's grace is 1 s: a stop that waits for the window takes most of a minute.
    expect(took).toBeLessThan(3000);

    // Nothing is lost: after a start with the window free, every buyer message is shown.
    await x.start({ inbound: { pacing: { ...PACING, groupPerMinute: 1_000_000 }, reminders: { checkMs: 100, repeatMs: 3_600_000 } } });
    await x.until(
      () => x.rows<{ n: number }>("SELECT count(*) AS n FROM inbound_messages WHERE state = 'delivered'")[0]!.n === chats.length,
      10_000,
      'every buyer message shown after the start',
    );
  });
});
