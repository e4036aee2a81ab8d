/**
 * Issue 2, item 2: `/link <chatId>` in a forum topic checks the chat with Market and answers with what it found; a
 * bad id, an unknown chat or a refused key gets a clear answer and nothing is stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, Harness, OUTSIDER, cmd0 } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Rows that would make a topic or a reply relay somewhere. */
function linkRows(x: Harness) {
  return { threads: x.rows('SELECT * FROM threads'), anchors: x.rows('SELECT * FROM anchors') };
}

async function linkCommand(x: Harness, chatId: number, threadId: number, arg: string) {
  const text = arg === '' ? '/link' : `/link ${arg}`;
  const cmd = x.tg.userSends({ chatId, threadId, from: ADMIN, text, entities: [cmd0('/link')] });
  const answer = await x.answerAfter(chatId, cmd.message_id, threadId);
  return { cmd, answer };
}

describe('/link in a forum topic', () => {
  it('checks the chat with GET /chat and answers in the topic with context, order id, buyer and status; the link is stored', async () => {
    h = await Harness.create();
    const chat = h.market.addChat({ customerName: 'Ivan Petrov', status: 'WAITING_FOR_PARTNER' });
    const { chatId, threadId } = h.forum();

    const card = await h.linkTopic(chatId, threadId, chat.chatId);

    expect(card.message_thread_id).toBe(threadId);
    expect(card.text).toContain(`Linked to Market chat ${chat.chatId}`);
    expect(card.text).toContain(`Order ${chat.context.orderId}`);
    expect(card.text).toContain('Ivan Petrov');
    expect(card.text).toContain('Status: waiting for your reply');
    expect(card.text).toMatch(/Every message in this topic now goes to the buyer/);

    await h.settled();
    const checks = h.requestsOf('getChat');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      method: 'GET',
      path: `/v2/businesses/${h.market.businessId}/chat`,
      query: { chatId: String(chat.chatId) },
      apiKeyOk: true,
      status: 200,
    });
    expect(h.rows('SELECT tg_chat_id, tg_thread_id, market_chat_id, linked_by FROM threads')).toEqual([
      { tg_chat_id: chatId, tg_thread_id: threadId, market_chat_id: chat.chatId, linked_by: ADMIN.id },
    ]);
    // The card itself is a reply anchor for the chat.
    expect(h.rows('SELECT tg_message_id, market_chat_id, kind FROM anchors WHERE tg_chat_id = ?', chatId)).toEqual([
      { tg_message_id: card.message_id, market_chat_id: chat.chatId, kind: 'link_card' },
    ]);
  });

  it('describes a return chat by its return id, order id and buyer', async () => {
    h = await Harness.create();
    const chat = h.market.addChat({
      status: 'WAITING_FOR_CUSTOMER',
      context: { type: 'RETURN', returnId: 4242, orderId: 70_000_123, campaignId: 1_000_001, customer: { name: 'Olga' } },
    });
    const { chatId, threadId } = h.forum('Return');
    const card = await h.linkTopic(chatId, threadId, chat.chatId);
    expect(card.text).toContain('Return 4242 (order 70000123) · Olga');
    expect(card.text).toContain('Status: waiting for the buyer');
    expect(h.rows('SELECT market_chat_id FROM threads')).toEqual([{ market_chat_id: chat.chatId }]);
  });

  it.each([
    ['abc', /“abc” is not a Market chat id/],
    ['0', /“0” is not a Market chat id/],
    ['-5', /“-5” is not a Market chat id/],
    ['99999999999999999999', /“99999999999999999999” is not a Market chat id/],
    ['1.5', /“1\.5” is not a Market chat id/],
    ['', /^Usage: \/link <chat id>/],
  ])('a bad id (%j) gets a clear answer in the topic; nothing is asked of Market and nothing is stored', async (arg, expected) => {
    h = await Harness.create();
    const { chatId, threadId } = h.forum();
    const { answer } = await linkCommand(h, chatId, threadId, arg);
    expect(answer.text).toMatch(expected);
    if (arg !== '') expect(answer.text).toContain('Nothing was linked');
    expect(answer.text).toContain('/link 12345678');
    await h.settled();
    expect(h.requestsOf('getChat')).toEqual([]);
    expect(linkRows(h)).toEqual({ threads: [], anchors: [] });
  });

  it('an unknown chat (Market 404) gets a clear answer and nothing is stored; a message in the topic then goes nowhere', async () => {
    h = await Harness.create();
    const { chatId, threadId } = h.forum();
    const { answer } = await linkCommand(h, chatId, threadId, '424242');
    expect(answer.text).toContain('Market has no chat 424242');
    expect(answer.text).toContain('Nothing was linked');
    expect(h.requestsOf('getChat').map((r) => r.status)).toEqual([404]);
    expect(linkRows(h)).toEqual({ threads: [], anchors: [] });

    const m = h.says(chatId, threadId, 'Hello?');
    await h.settled();
    expect(h.sends()).toEqual([]);
    expect(h.repliesTo(chatId, m.message_id)).toEqual([]);
  });

  it('a key without access (Market 403) gets an answer naming the scope to add and the HTTP details; nothing is stored', async () => {
    h = await Harness.create();
    const chat = h.market.addChat();
    const { chatId, threadId } = h.forum();
    h.market.scopes = []; // the key lost its scopes after start-up: the fake answers 403 by itself
    const { answer } = await linkCommand(h, chatId, threadId, String(chat.chatId));
    expect(answer.text).toContain(`Could not check Market chat ${chat.chatId}`);
    expect(answer.text).toContain('Customer communication');
    expect(answer.text).toContain('HTTP 403 · FORBIDDEN · Token does not have any of the scopes to access the API method');
    expect(answer.text).toContain('Nothing was linked');
    expect(linkRows(h)).toEqual({ threads: [], anchors: [] });
  });

  it('a refused key (Market 401) gets an answer that points at MARKET_API_KEY; nothing is stored', async () => {
    h = await Harness.create();
    const chat = h.market.addChat();
    const { chatId, threadId } = h.forum();
    h.market.failNext('getChat', { kind: 'status', status: 401 });
    const { answer } = await linkCommand(h, chatId, threadId, String(chat.chatId));
    expect(answer.text).toContain(`Could not check Market chat ${chat.chatId}`);
    expect(answer.text).toContain('MARKET_API_KEY');
    expect(answer.text).toContain('HTTP 401 · UNAUTHORIZED · Api-Key token is invalid');
    expect(linkRows(h)).toEqual({ threads: [], anchors: [] });
  });
});

/** The inline button of a bot message whose label contains `label`. */
function button(m: { reply_markup?: unknown }, label: string): { text: string; callback_data: string } {
  const rows = (m.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  const b = rows.flat().find((x) => x.text.includes(label));
  if (!b?.callback_data) throw new Error(`no button "${label}" on ${JSON.stringify(m.reply_markup)}`);
  return { text: b.text, callback_data: b.callback_data };
}

describe('/link in a topic that is already linked to another chat (issue 7, item 11)', () => {
  async function relinkAsked(x: Harness) {
    const first = x.market.addChat({ customerName: 'Ivan' });
    const second = x.market.addChat({ customerName: 'Olga' });
    const { chatId, threadId } = x.forum('Ivan’s order');
    await x.linkTopic(chatId, threadId, first.chatId);
    const { cmd, answer } = await linkCommand(x, chatId, threadId, String(second.chatId));
    return { first, second, chatId, threadId, cmd, question: answer };
  }

  it('asks before moving: names the buyer the topic belongs to now, with buttons; messages keep going to that buyer', async () => {
    h = await Harness.create();
    const { first, second, chatId, threadId, question } = await relinkAsked(h);
    expect(question.text).toContain(`already linked to Market chat ${first.chatId}`);
    expect(question.text).toContain('Ivan');
    expect(question.text).toContain(String(second.chatId));
    expect(question.text).toContain('Olga');
    button(question, 'Move');
    button(question, 'Keep');
    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads')).toEqual([{ tg_thread_id: threadId, market_chat_id: first.chatId }]);

    const m = h.says(chatId, threadId, 'Still for Ivan');
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(first.chatId)).toEqual(['Still for Ivan']);
    expect(h.market.partnerTexts(second.chatId)).toEqual([]);
  });

  it('only the team may press the buttons: anyone else gets an alert and nothing moves', async () => {
    h = await Harness.create();
    const { first, chatId, threadId, question } = await relinkAsked(h);
    const id = h.tg.userPressesButton({ chatId, messageId: question.message_id, from: OUTSIDER, data: button(question, 'Move').callback_data });
    const answer = await h.tg.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === id);
    expect(answer.params.show_alert).toBe(true);
    expect(String(answer.params.text)).toContain('only the shop’s team');
    await h.settled();
    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads')).toEqual([{ tg_thread_id: threadId, market_chat_id: first.chatId }]);
  });

  it('“Keep” leaves the link as it was and says so', async () => {
    h = await Harness.create();
    const { first, chatId, threadId, question } = await relinkAsked(h);
    h.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: button(question, 'Keep').callback_data });
    await h.settled();
    const edited = h.tg.message(chatId, question.message_id)!;
    expect(edited.text).toContain(`still goes to Market chat ${first.chatId}`);
    expect((edited.reply_markup?.inline_keyboard ?? []).flat()).toEqual([]);
    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads')).toEqual([{ tg_thread_id: threadId, market_chat_id: first.chatId }]);
  });

  it('a confirmed move links the topic to the new chat, renames it after that chat, and the old buyer gets nothing more', async () => {
    h = await Harness.create();
    const { first, second, chatId, threadId, question } = await relinkAsked(h);
    h.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: button(question, 'Move').callback_data });
    await h.settled();
    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads')).toEqual([{ tg_thread_id: threadId, market_chat_id: second.chatId }]);
    const topic = h.tg.topics(chatId).find((x) => x.message_thread_id === threadId)!;
    expect(topic.name).toBe(`Order ${second.context.orderId} · Olga`);
    expect(h.tg.message(chatId, question.message_id)!.text).toContain(`Moved to Market chat ${second.chatId}`);
    const card = h.tg.botMessages(chatId, threadId).at(-1)!;
    expect(card.text).toContain(`Linked to Market chat ${second.chatId}`);
    expect(card.text).toContain('Olga');
    expect(h.rows('SELECT market_chat_id FROM anchors WHERE tg_message_id = ?', card.message_id)).toEqual([{ market_chat_id: second.chatId }]);

    const m = h.says(chatId, threadId, 'Now for Olga');
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(second.chatId)).toEqual(['Now for Olga']);
    expect(h.market.partnerTexts(first.chatId)).toEqual([]);
  });

  it('a question that is out of date (the topic changed meanwhile) moves nothing', async () => {
    h = await Harness.create();
    const { chatId, threadId, question } = await relinkAsked(h);
    const un = h.tg.userSends({ chatId, threadId, from: ADMIN, text: '/unlink', entities: [cmd0('/unlink')] });
    await h.answerAfter(chatId, un.message_id, threadId);
    const id = h.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: button(question, 'Move').callback_data });
    const answer = await h.tg.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === id);
    expect(String(answer.params.text)).toContain('out of date');
    await h.settled();
    expect(h.rows('SELECT * FROM threads')).toEqual([]);
  });
});
