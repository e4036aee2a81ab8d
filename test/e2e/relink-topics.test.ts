/**
 * Issue 7, item 11, with the inbound sync on: after a confirmed /link move of topic T from chat A to chat B there is
 * still one topic per chat. A's next buyer message opens a topic for A (no second topic under T's old name), B's
 * messages go to T, and a topic B had before is told it no longer sends anywhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { ADMIN, cmd0, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function button(m: Message, label: string): string {
  const b = (m.reply_markup?.inline_keyboard ?? []).flat().find((x) => x.text.includes(label));
  if (!b || !('callback_data' in b) || !b.callback_data) throw new Error(`no button "${label}" on: ${m.text}`);
  return b.callback_data;
}

async function relinkConfirmed(x: Harness, threadId: number, to: number): Promise<Message> {
  const cmd = x.tg.userSends({ chatId: GROUP_ID, threadId, from: ADMIN, text: `/link ${to}`, entities: [cmd0('/link')] });
  const question = await x.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === cmd.message_id);
  x.tg.userPressesButton({ chatId: GROUP_ID, messageId: question.message_id, from: ADMIN, data: button(question, 'Move') });
  await x.settled();
  return question;
}

function topicNames(x: Harness): string[] {
  return x.tg
    .topics(GROUP_ID)
    .filter((t) => !t.deleted)
    .map((t) => t.name);
}

describe('one topic per chat after a confirmed move', () => {
  it('the old chat’s next buyer message opens its own topic; the moved topic carries the new chat’s name; no name twice', async () => {
    ({ h } = await syncHarness());
    const a = h.market.addChat({ customerName: 'Ivan', status: 'WAITING_FOR_CUSTOMER' });
    const b = h.market.addChat({ customerName: 'Olga', status: 'WAITING_FOR_CUSTOMER' });
    h.market.addMessage(a.chatId, { message: 'Where is my order?' });
    await syncNow(h, a.chatId);
    const t = h.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', a.chatId)[0]!.tg_thread_id;

    await relinkConfirmed(h, t, b.chatId);
    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads')).toEqual([{ tg_thread_id: t, market_chat_id: b.chatId }]);

    h.market.addMessage(a.chatId, { message: 'Hello again?' });
    await syncNow(h, a.chatId);
    h.market.addMessage(b.chatId, { message: 'Olga here' });
    await syncNow(h, b.chatId);

    const names = topicNames(h);
    expect(new Set(names).size).toBe(names.length);
    const aTopic = h.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', a.chatId)[0]!.tg_thread_id;
    expect(aTopic).not.toBe(t);
    expect(botTexts(h, GROUP_ID, aTopic).at(-1)).toBe('👤 Buyer\nHello again?');
    expect(botTexts(h, GROUP_ID, t).at(-1)).toBe('👤 Buyer\nOlga here');
    expect(botTexts(h, GROUP_ID, t)).not.toContain('👤 Buyer\nHello again?');
  });

  it('when the new chat had its own topic: that topic is unlinked and told where the chat went; buyer messages go to the moved topic', async () => {
    ({ h } = await syncHarness());
    const a = h.market.addChat({ customerName: 'Ivan', status: 'WAITING_FOR_CUSTOMER' });
    const b = h.market.addChat({ customerName: 'Olga', status: 'WAITING_FOR_CUSTOMER' });
    h.market.addMessage(a.chatId, { message: 'from Ivan' });
    h.market.addMessage(b.chatId, { message: 'from Olga' });
    await syncNow(h, a.chatId);
    await syncNow(h, b.chatId);
    const tA = h.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', a.chatId)[0]!.tg_thread_id;
    const tB = h.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', b.chatId)[0]!.tg_thread_id;

    const cmd = h.tg.userSends({ chatId: GROUP_ID, threadId: tA, from: ADMIN, text: `/link ${b.chatId}`, entities: [cmd0('/link')] });
    const question = await h.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === cmd.message_id);
    expect(question.text).toContain(`Market chat ${b.chatId} has its own topic`);
    h.tg.userPressesButton({ chatId: GROUP_ID, messageId: question.message_id, from: ADMIN, data: button(question, 'Move') });
    await h.settled();

    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads ORDER BY tg_thread_id')).toEqual([
      { tg_thread_id: tA, market_chat_id: b.chatId },
    ]);
    expect(botTexts(h, GROUP_ID, tB).at(-1)).toContain(`no longer sent to Market chat ${b.chatId}`);
    // A message written in B's old topic now goes nowhere, and is not sent to anyone.
    h.says(GROUP_ID, tB, 'typed in the old topic');
    await h.settled();
    expect(h.market.partnerTexts(b.chatId)).toEqual([]);

    h.market.addMessage(b.chatId, { message: 'Olga again' });
    await syncNow(h, b.chatId);
    expect(botTexts(h, GROUP_ID, tA).at(-1)).toBe('👤 Buyer\nOlga again');
    expect(botTexts(h, GROUP_ID, tB)).not.toContain('👤 Buyer\nOlga again');
  });
});
