/**
 * The team's desk, end to end: /chats lists the chats that wait for the shop (oldest first, pages of 10 that edit
 * one message, a button to each topic), computed from stored data; the card's "I'll take it" / "Release".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, cmd0, OUTSIDER, TEAMMATE, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, liveTopics, settle, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `/chats` (or another command) in the group's General topic; resolves with the bot's answer. */
async function command(x: Harness, text: string, from = ADMIN) {
  const cmd = x.tg.userSends({ chatId: GROUP_ID, from, text, entities: [cmd0(text.split(' ')[0]!)] });
  return x.answerAfter(GROUP_ID, cmd.message_id);
}

const buttons = (x: Harness, messageId: number) =>
  (x.tg.message(GROUP_ID, messageId)?.reply_markup?.inline_keyboard.flat() ?? []) as Array<{ text: string; url?: string; callback_data?: string }>;

describe('/chats: the waiting list', () => {
  it('lists the chats waiting for the shop, oldest first, with a link to each topic; answered ones drop out', async () => {
    ({ h } = await syncHarness());
    const x = h;
    const first = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(first.chatId, { message: 'Where is my order?' });
    await syncNow(x, first.chatId);
    const second = x.market.addChat({ customerName: 'Olga' });
    x.market.addMessage(second.chatId, { message: 'Is it in stock?' });
    await syncNow(x, second.chatId);
    const answered = x.market.addChat({ customerName: 'Petr' });
    x.market.addMessage(answered.chatId, { message: 'Hello' });
    x.market.addMessage(answered.chatId, { sender: 'PARTNER', message: 'Hi, from the cabinet' });
    await syncNow(x, answered.chatId);

    const asked = x.market.requests.length;
    const list = await command(x, '/chats');
    const lines = list.text!.split('\n');
    expect(lines[0]).toBe('⏳ Waiting for the shop: 2 chats');
    expect(lines[2]).toMatch(new RegExp(`^1\\. Order ${first.context.orderId} · Ivan — \\d+ min$`));
    expect(lines[3]).toMatch(new RegExp(`^2\\. Order ${second.context.orderId} · Olga — \\d+ min$`));
    const topicOf = (name: string) => liveTopics(x).find((t) => t.name.includes(name))!.message_thread_id;
    expect(buttons(x, list.message_id)).toEqual([
      { text: '1 ↗', url: `https://t.me/c/1234567890/${topicOf('Ivan')}` },
      { text: '2 ↗', url: `https://t.me/c/1234567890/${topicOf('Olga')}` },
    ]);
    // No Market call was made for it.
    expect(x.market.requests.length).toBe(asked);

    // The seller answers Ivan in his topic: he no longer waits.
    const reply = x.says(GROUP_ID, topicOf('Ivan'), 'It ships today.');
    expect(await x.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    const after = await command(x, '/waiting');
    expect(after.text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat');
    expect(after.text).toContain('Olga');
    expect(after.text).not.toContain('Ivan');
    // The buyer writes again: he waits again.
    x.market.addMessage(first.chatId, { message: 'And the tracking number?' });
    await syncNow(x, first.chatId);
    expect((await command(x, '/chats')).text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 2 chats');
  });

  it('pages of 10 with next/previous buttons that edit the same message; survives a restart', async () => {
    ({ h } = await syncHarness());
    const x = h;
    for (let i = 1; i <= 12; i++) {
      const chat = x.market.addChat({ customerName: `Buyer${String(i).padStart(2, '0')}` });
      x.market.addMessage(chat.chatId, { message: `question ${i}` });
      await syncNow(x, chat.chatId);
    }
    await x.restart();
    const list = await command(x, '/chats');
    expect(list.text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 12 chats · page 1/2');
    expect(list.text).toContain('Buyer01');
    expect(list.text).toContain('Buyer10');
    expect(list.text).not.toContain('Buyer11');
    expect(buttons(x, list.message_id).filter((b) => b.url)).toHaveLength(10);
    expect(buttons(x, list.message_id).filter((b) => b.callback_data).map((b) => b.text)).toEqual(['Next ▶']);

    const before = x.tg.botMessages(GROUP_ID).length;
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: list.message_id, from: TEAMMATE, data: 'chats:10' });
    await x.until(() => x.tg.message(GROUP_ID, list.message_id)?.text?.includes('page 2/2'), 5000, 'page 2');
    const page2 = x.tg.message(GROUP_ID, list.message_id)!.text!;
    expect(page2).toContain('11. Order');
    expect(page2).toContain('Buyer12');
    expect(page2).not.toContain('Buyer01');
    expect(buttons(x, list.message_id).filter((b) => b.callback_data).map((b) => b.text)).toEqual(['◀ Previous']);
    expect(x.tg.botMessages(GROUP_ID)).toHaveLength(before); // edited, not posted again

    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: list.message_id, from: ADMIN, data: 'chats:0' });
    await x.until(() => x.tg.message(GROUP_ID, list.message_id)?.text?.includes('page 1/2'), 5000, 'page 1 again');
  });

  it('is refused to people not on the team, as are its buttons', async () => {
    ({ h } = await syncHarness());
    const x = h;
    const chat = x.market.addChat({ customerName: 'Secret Buyer' });
    x.market.addMessage(chat.chatId, { message: 'hi' });
    await syncNow(x, chat.chatId);
    const refused = await command(x, '/chats', OUTSIDER);
    expect(refused.text).toContain('only the shop’s team');
    expect(botTexts(x, GROUP_ID).join('\n')).not.toContain('Waiting for the shop');

    const list = await command(x, '/chats');
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: list.message_id, from: OUTSIDER, data: 'chats:0', force: true });
    const answer = await x.tg.waitForCall('answerCallbackQuery');
    expect(String(answer.params.text)).toContain('only the shop’s team');
  });

  it('says so when nobody waits', async () => {
    ({ h } = await syncHarness());
    expect((await command(h, '/chats')).text).toBe('✅ No buyer is waiting for the shop.');
  });
});

describe('"I’ll take it" on the chat card', () => {
  it('records the teammate, edits the card, shows them in the list; Release gives it back; survives a restart', async () => {
    ({ h } = await syncHarness());
    const x = h;
    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Where is my order?' });
    await syncNow(x, chat.chatId);
    const thread = liveTopics(x)[0]!.message_thread_id;
    const card = x.tg.botMessages(GROUP_ID, thread)[0]!;
    expect(buttons(x, card.message_id)).toEqual([{ text: '🙋 I’ll take it', callback_data: `take:${chat.chatId}` }]);

    // Someone not on the team cannot take it.
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: card.message_id, from: OUTSIDER, data: `take:${chat.chatId}` });
    const refused = await x.tg.waitForCall('answerCallbackQuery');
    expect(String(refused.params.text)).toContain('only the shop’s team');
    expect(x.rows('SELECT * FROM chat_takes')).toEqual([]);

    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: card.message_id, from: TEAMMATE, data: `take:${chat.chatId}` });
    await x.until(() => x.tg.message(GROUP_ID, card.message_id)?.text?.endsWith('🙋 Boris has this chat.'), 5000, 'the card to say who has it');
    expect(x.tg.message(GROUP_ID, card.message_id)!.text).toContain(`Market chat ${chat.chatId}`);
    expect(buttons(x, card.message_id)).toEqual([{ text: '↩️ Release', callback_data: `release:${chat.chatId}` }]);

    await x.restart();
    expect((await command(x, '/chats')).text).toMatch(/Ivan — \d+ min · 🙋 Boris$/m);

    // Anyone on the team can take it over, and release it.
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: card.message_id, from: ADMIN, data: `release:${chat.chatId}` });
    await x.until(() => !x.tg.message(GROUP_ID, card.message_id)?.text?.includes('has this chat'), 5000, 'the card to drop the name');
    expect(buttons(x, card.message_id)).toEqual([{ text: '🙋 I’ll take it', callback_data: `take:${chat.chatId}` }]);
    await settle(x);
    expect((await command(x, '/chats')).text).not.toContain('🙋');
  });
});
