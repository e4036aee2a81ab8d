/**
 * Reminders before a buyer waits too long, end to end: one in the topic mentioning the team (or the taker), ⏰ in
 * the title, again only after the repeat interval, none once the shop replied (⏰ removed), and a restart neither
 * forgets nor repeats one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { ADMIN, TEAMMATE, tick, type Harness } from '../helpers/harness.js';
import { GROUP_ID, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const reminders = (x: Harness, thread: number): Message[] =>
  x.tg.botMessages(GROUP_ID, thread).filter((m) => m.text?.startsWith('⏰ The buyer has been waiting'));

async function harness(repeatMs: number) {
  const { h: x } = await syncHarness({
    env: { REMIND_AFTER_MINUTES: '0.01' }, // 0.6 s
    bridge: { inbound: { reminders: { checkMs: 100, repeatMs } } },
  });
  return x;
}

describe('reminders of a waiting buyer', () => {
  it('reminds once in the topic mentioning the team members who wrote, marks ⏰, stops and unmarks once the shop replied', async () => {
    const x = (h = await harness(60_000));
    // Boris writes a team note in the group: he is on the team and is mentioned; Anna has not written yet.
    x.says(GROUP_ID, undefined, '//morning, team', TEAMMATE);
    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Where is my order?' });
    await syncNow(x, chat.chatId);
    const thread = liveTopics(x)[0]!.message_thread_id;

    await x.until(() => reminders(x, thread).length > 0, 5000, 'a reminder');
    const [r] = reminders(x, thread);
    expect(r!.text).toMatch(/^⏰ The buyer has been waiting \d+ min for a reply\.\nBoris$/);
    expect(r!.entities).toEqual([{ type: 'text_mention', offset: r!.text!.length - 5, length: 5, user: expect.objectContaining({ id: TEAMMATE.id }) }]);
    await x.until(() => liveTopics(x)[0]!.name.startsWith('⏰ '), 5000, '⏰ in the title');
    expect(liveTopics(x)[0]!.name).toBe(`⏰ ❗ Order ${chat.context.orderId} · Ivan`);
    await tick(500);
    expect(reminders(x, thread)).toHaveLength(1);

    // A restart does not repeat it.
    await x.restart();
    await tick(500);
    expect(reminders(x, thread)).toHaveLength(1);

    const reply = x.says(GROUP_ID, thread, 'It ships today.', ADMIN);
    expect(await x.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    await x.until(() => !liveTopics(x)[0]!.name.startsWith('⏰'), 5000, '⏰ to go');
    expect(x.rows('SELECT * FROM chat_reminders')).toEqual([]);
    await tick(800);
    expect(reminders(x, thread)).toHaveLength(1);
  });

  it('reminds again only after the repeat interval, and mentions whoever took the chat', async () => {
    const x = (h = await harness(1500));
    const chat = x.market.addChat({ customerName: 'Olga' });
    x.market.addMessage(chat.chatId, { message: 'Is it in stock?' });
    await syncNow(x, chat.chatId);
    const thread = liveTopics(x)[0]!.message_thread_id;
    const card = x.tg.botMessages(GROUP_ID, thread)[0]!;
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: card.message_id, from: ADMIN, data: `take:${chat.chatId}` });
    await x.until(() => x.rows('SELECT * FROM chat_takes').length === 1, 5000, 'the take');

    await x.until(() => reminders(x, thread).length === 1, 5000, 'the first reminder');
    const first = reminders(x, thread)[0]!;
    expect(first.text!.endsWith('\nAnna')).toBe(true);
    expect(first.entities?.[0]).toMatchObject({ type: 'text_mention', user: { id: ADMIN.id } });
    const firstAt = Date.now();
    await x.until(() => reminders(x, thread).length === 2, 5000, 'the second reminder');
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(1000);
    expect(x.rows<{ count: number }>('SELECT count FROM chat_reminders')[0]!.count).toBe(2);
  });
});
