/**
 * Issue 2, item 2: `/link <chatId>` in a forum topic checks the chat with Market and answers with what it found; a
 * bad id, an unknown chat or a refused key gets a clear answer and nothing is stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, Harness, cmd0 } from '../helpers/harness.js';

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
