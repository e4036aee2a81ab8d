/**
 * Issue 2, items 3-7: a seller's message in a linked topic (or a reply to a bot message of a Market chat) reaches
 * the buyer with the exact request the spec describes, the result shows on the seller's message, and the commands
 * /unlink, /status and /help do what they say.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { ADMIN, Harness, cmd0 } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('relay in a linked topic', () => {
  it('sends the exact request of the spec, puts 👍 on the seller message and records the delivery', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const text = 'Здравствуйте! Заказ отправлен сегодня 🚚\nTracking: RU123';

    const m = h.says(chatId, threadId, text);

    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    const sends = h.sends();
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({
      method: 'POST',
      path: `/v2/businesses/${h.market.businessId}/chats/message`,
      query: { chatId: String(market.chatId) },
      apiKeyOk: true,
      status: 200,
      body: { message: text },
    });
    expect(Object.keys(sends[0]!.query)).toEqual(['chatId']);
    expect(Object.keys(sends[0]!.body as object)).toEqual(['message']);
    expect(sends[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(sends[0]!.headers.authorization).toBeUndefined(); // Api-Key only, never "Bearer"
    expect(h.market.partnerTexts(market.chatId)).toEqual([text]);

    // OK costs no message: only the reaction.
    await h.settled();
    expect(h.repliesTo(chatId, m.message_id)).toEqual([]);
    const row = h.relayRow(chatId, m.message_id)!;
    expect(row).toMatchObject({
      state: 'delivered',
      text,
      market_chat_id: market.chatId,
      tg_thread_id: threadId,
      tg_user_id: ADMIN.id,
      attempts: 1,
    });
    expect(row.delivered_at).toBeGreaterThanOrEqual(row.created_at);
  });

  it('falls back to a short reply in the thread when the chat does not allow the reaction', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    h.tg.setReactionsAllowed(chatId, false);

    const m = h.says(chatId, threadId, 'Thank you for the order!');

    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toBe('✓ Sent to the buyer.');
    expect(reply.message_thread_id).toBe(threadId);
    expect(h.tg.calls.some((c) => c.method === 'setMessageReaction' && !c.ok)).toBe(true);
    expect(h.tg.reactions(chatId, m.message_id)).toEqual([]);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Thank you for the order!']);
    await h.settled();
    expect(h.sends()).toHaveLength(1);
  });

  it('keeps the order: 5 quick messages in one topic reach Market in the order they were written', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const sent = texts.map((t) => h!.says(chatId, threadId, t));

    for (const m of sent) expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(texts);
    expect(h.sends().map((r) => (r.body as { message: string }).message)).toEqual(texts);
    const ids = h.rows<{ tg_message_id: number }>('SELECT tg_message_id FROM relays ORDER BY id').map((r) => r.tg_message_id);
    expect(ids).toEqual(sent.map((m) => m.message_id));
  });

  it('two topics linked to two chats: each message goes to its own chat', async () => {
    h = await Harness.create();
    const a = h.market.addChat({ customerName: 'Anna' });
    const b = h.market.addChat({ customerName: 'Boris' });
    const group = h.tg.addGroup({ title: 'Shop team', forum: true });
    const ta = h.tg.createTopic(group.id, 'A').message_thread_id;
    const tb = h.tg.createTopic(group.id, 'B').message_thread_id;
    await h.linkTopic(group.id, ta, a.chatId);
    await h.linkTopic(group.id, tb, b.chatId);

    const ma = h.says(group.id, ta, 'to Anna');
    const mb = h.says(group.id, tb, 'to Boris');
    await h.reacted(group.id, ma.message_id);
    await h.reacted(group.id, mb.message_id);
    expect(h.market.partnerTexts(a.chatId)).toEqual(['to Anna']);
    expect(h.market.partnerTexts(b.chatId)).toEqual(['to Boris']);
  });
});

describe('reply chains', () => {
  it('in a private chat: /link gives a card; a reply to it is relayed; a message that is not a reply gets the hint', async () => {
    h = await Harness.create();
    const market = h.market.addChat({ customerName: 'Ivan' });
    h.tg.addPrivateChat(ADMIN);

    const cmd = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: `/link ${market.chatId}`, entities: [cmd0('/link')] });
    const card = await h.replyTo(ADMIN.id, cmd.message_id);
    expect(card.text).toContain(`Linked to Market chat ${market.chatId}`);
    expect(card.text).toContain('Reply to this message to answer the buyer.');
    expect(h.rows('SELECT * FROM threads')).toEqual([]); // no topic here: only the card links

    const reply = h.says(ADMIN.id, undefined, 'Your parcel left the warehouse', ADMIN, card.message_id);
    expect(await h.reacted(ADMIN.id, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Your parcel left the warehouse']);

    const loose = h.says(ADMIN.id, undefined, 'Is this going anywhere?');
    const hint = await h.answerAfter(ADMIN.id, loose.message_id);
    expect(hint.text).toContain('To answer a buyer, reply to one of their messages');
    await h.settled();
    expect(h.sends()).toHaveLength(1);
  });

  it('in an ordinary group: a reply to the /link card is relayed, other messages are not', async () => {
    h = await Harness.create();
    const market = h.market.addChat();
    const group = h.tg.addGroup({ type: 'group', title: 'Shop' });
    const cmd = h.tg.userSends({ chatId: group.id, from: ADMIN, text: `/link ${market.chatId}`, entities: [cmd0('/link')] });
    const card = await h.replyTo(group.id, cmd.message_id);

    const other = h.says(group.id, undefined, 'lunch at 1?');
    const reply = h.says(group.id, undefined, 'We will ship tomorrow', ADMIN, card.message_id);
    expect(await h.reacted(group.id, reply.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.market.partnerTexts(market.chatId)).toEqual(['We will ship tomorrow']);
    expect(h.repliesTo(group.id, other.message_id)).toEqual([]); // no hint in groups
  });

  it('in a forum topic, a plain message (which carries the topic service message as reply_to_message) follows the topic link', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const other = h.market.addChat({ customerName: 'Someone else' });
    // Even if the topic's root message were a reply anchor of another chat, a plain topic message is not a reply to it.
    h.bridge!.db.sqlite
      .prepare("INSERT INTO anchors (tg_chat_id, tg_message_id, market_chat_id, kind, created_at) VALUES (?, ?, ?, 'echo', 0)")
      .run(chatId, threadId, other.chatId);

    const m = h.says(chatId, threadId, 'Hello from the topic');
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);

    const update = h.tg.allUpdates().find((u) => u.message?.message_id === m.message_id)!;
    expect(update.message!.reply_to_message?.message_id).toBe(threadId);
    expect(update.message!.reply_to_message?.forum_topic_created).toBeDefined();
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Hello from the topic']);
    expect(h.market.partnerTexts(other.chatId)).toEqual([]);
  });

  it('in a topic that is not linked, a plain message goes nowhere and gets no answer', async () => {
    h = await Harness.create();
    const { chatId } = await h.linkedTopic();
    const unlinked = h.tg.createTopic(chatId, 'Team chat').message_thread_id;
    const m = h.says(chatId, unlinked, 'who takes the next order?');
    await h.settled();
    expect(h.sends()).toEqual([]);
    expect(h.repliesTo(chatId, m.message_id)).toEqual([]);
    expect(h.relayRow(chatId, m.message_id)).toBeUndefined();
  });
});

describe('commands', () => {
  async function command(x: Harness, chatId: number, threadId: number | undefined, text: string): Promise<Message> {
    const name = text.split(' ')[0]!;
    const cmd = x.tg.userSends({ chatId, ...(threadId !== undefined ? { threadId } : {}), from: ADMIN, text, entities: [cmd0(name)] });
    return x.answerAfter(chatId, cmd.message_id, threadId);
  }

  it('/unlink in a linked topic stops relaying from the topic and from replies to its card', async () => {
    h = await Harness.create();
    const { market, chatId, threadId, card } = await h.linkedTopic();
    const before = h.says(chatId, threadId, 'before unlink');
    await h.reacted(chatId, before.message_id);

    const answer = await command(h, chatId, threadId, '/unlink');
    expect(answer.text).toContain(`Unlinked from Market chat ${market.chatId}`);
    expect(answer.message_thread_id).toBe(threadId);
    expect(h.rows('SELECT * FROM threads')).toEqual([]);

    const after = h.says(chatId, threadId, 'after unlink');
    const viaCard = h.says(chatId, threadId, 'reply to the old card', ADMIN, card.message_id);
    await h.settled();
    expect(h.market.partnerTexts(market.chatId)).toEqual(['before unlink']);
    expect(h.relayRow(chatId, after.message_id)).toBeUndefined();
    expect(h.relayRow(chatId, viaCard.message_id)).toBeUndefined();
    expect(h.tg.reactions(chatId, after.message_id)).toEqual([]);

    const again = await command(h, chatId, threadId, '/unlink');
    expect(again.text).toContain('Nothing to unlink here');
  });

  it('/status shows the linked chat and the latest deliveries with their result', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic({ customerName: 'Ivan Petrov' });
    const ok = h.says(chatId, threadId, 'Your order is packed');
    await h.reacted(chatId, ok.message_id);
    h.market.failNext('sendMessageToChat', { kind: 'status', status: 400, code: 'BAD_REQUEST', message: 'Message contains a link' });
    const bad = h.says(chatId, threadId, 'See https://example.com');
    await h.replyTo(chatId, bad.message_id);

    const status = await command(h, chatId, threadId, '/status');
    const lines = status.text!.split('\n');
    expect(lines[0]).toBe(`Linked to Market chat ${market.chatId}: Order ${market.context.orderId} · Ivan Petrov · waiting for the buyer`);
    expect(lines[1]).toMatch(/✗ refused: “See https:\/\/example\.com” \(HTTP 400 BAD_REQUEST\)$/);
    expect(lines[2]).toMatch(/✓ delivered: “Your order is packed”$/);
    expect(lines).toHaveLength(3);
    expect(status.message_thread_id).toBe(threadId);
  });

  it('/status shows a message that had to wait for a 420 as delivered, without the old error next to it', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await h.linkedTopic();
    h.rateLimitNextSend(1200);
    const m = h.says(chatId, threadId, 'Waited a little');
    await h.reacted(chatId, m.message_id, 8000);
    await h.settled();
    const status = await command(h, chatId, threadId, '/status');
    expect(status.text!.split('\n')[1]).toMatch(/✓ delivered: “Waited a little”$/);
  });

  it('/status in a topic that is not linked says so', async () => {
    h = await Harness.create();
    const { chatId, threadId } = h.forum();
    const status = await command(h, chatId, threadId, '/status');
    expect(status.text).toContain('This topic is not linked to a Market chat');
  });

  it('/help explains the // rule, linking and the commands; setMyCommands registered help/link/unlink/status/language at start', async () => {
    h = await Harness.create();
    const { chatId, threadId } = h.forum();
    const help = await command(h, chatId, threadId, '/help');
    expect(help.text).toContain('Messages starting with // are team notes: never sent.');
    expect(help.text).toContain('/link <chat id>');
    for (const c of ['/unlink', '/status', '/language']) expect(help.text).toContain(c);
    // One phone screen; the details are a button away.
    expect(help.text!.split('\n').length).toBeLessThanOrEqual(12);
    expect(help.reply_markup?.inline_keyboard.flat().map((b) => (b as { callback_data?: string }).callback_data)).toEqual(['help:more']);
    h.tg.userPressesButton({ chatId, messageId: help.message_id, from: ADMIN, data: 'help:more' });
    await h.tg.waitForCall('editMessageText', (c) => c.params.message_id === help.message_id && c.ok);
    expect(h.tg.message(chatId, help.message_id)?.text).toContain('/unlink stops sending this topic to Market.');

    const call = h.tg.calls.find((c) => c.method === 'setMyCommands');
    expect(call?.ok).toBe(true);
    const commands = (call!.params.commands as { command: string }[]).map((c) => c.command);
    expect(commands.sort()).toEqual(['chats', 'help', 'id', 'language', 'link', 'setup', 'stats', 'status', 'team', 'translate', 'unlink']);
    // Registered before the bot took its first update.
    const first = h.tg.calls.findIndex((c) => c.method === 'getUpdates');
    expect(h.tg.calls.indexOf(call!)).toBeLessThan(first);
  });
});
