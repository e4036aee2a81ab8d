/** Inbound sync into a forum supergroup: a topic per Market chat, messages in order, status on the topic. */
import { afterEach, describe, expect, it } from 'vitest';
import { TINY_JPEG } from '../fakes/telegram.js';
import { ADMIN, type Harness } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING, botTexts, inbound, liveTopics, settle, syncHarness, syncNow } from '../helpers/sync.js';
import { getMarketChat, pendingMessages, recordSync } from '../../src/db/inbound.js';
import { TelegramInbound } from '../../src/telegram/inbound.js';
import { TelegramOutbox } from '../../src/telegram/outbox.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('inbound sync into forum topics', () => {
  it('gives a new chat one topic with a card, then its messages in order, each marked by sender', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Hello, where is my order?' });
    h.market.addMessage(chat.chatId, { sender: 'MARKET', message: 'The order has been handed to the courier.' });
    h.market.addMessage(chat.chatId, { sender: 'SUPPORT', message: 'Support is watching this chat.' });
    h.market.addMessage(chat.chatId, { message: 'Thanks!' });
    await syncNow(h, chat.chatId);

    const orderId = chat.context.orderId!;
    const topics = liveTopics(h);
    expect(topics).toHaveLength(1);
    expect(topics[0]!.name).toBe(`❗ Order ${orderId} · Ivan`);
    const texts = botTexts(h, GROUP_ID, topics[0]!.message_thread_id);
    expect(texts).toHaveLength(5);
    expect(texts[0]).toContain(`Market chat ${chat.chatId}`);
    expect(texts[0]).toContain(`Order: ${orderId}`);
    expect(texts[0]).toContain('Buyer: Ivan');
    expect(texts[0]).toContain('Status: waiting for your reply');
    expect(texts.slice(1)).toEqual([
      '👤 Buyer\nHello, where is my order?',
      '🤖 Market (automatic message)\nThe order has been handed to the courier.',
      '🛟 Market support\nSupport is watching this chat.',
      '👤 Buyer\nThanks!',
    ]);

    // Nothing new: a second sync posts nothing.
    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID, topics[0]!.message_thread_id)).toHaveLength(5);
  });

  it('links the topic like /link: the seller answers there; the own reply is not shown twice, a cabinet reply is', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Olga' });
    h.market.addMessage(chat.chatId, { message: 'Is it in stock?' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;

    const reply = h.tg.userSends({ chatId: GROUP_ID, threadId: thread, from: ADMIN, text: 'Yes, ships today.' });
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Yes, ships today.']);

    h.market.addMessage(chat.chatId, { sender: 'PARTNER', message: 'Written in the cabinet.' });
    h.market.addMessage(chat.chatId, { message: 'Great' });
    await syncNow(h, chat.chatId);
    const texts = botTexts(h, GROUP_ID, thread);
    expect(texts.slice(2)).toEqual(['🏪 Shop, from the Market cabinet\nWritten in the cabinet.', '👤 Buyer\nGreat']);
    expect(texts.join('\n')).not.toContain('Yes, ships today.');
    const own = h.rows<{ state: string; relay_id: number }>(
      "SELECT state, relay_id FROM inbound_messages WHERE sender = 'PARTNER' ORDER BY market_message_id",
    );
    expect(own.map((r) => r.state)).toEqual(['own', 'delivered']);
    const relay = h.relayRow(GROUP_ID, reply.message_id) as unknown as { market_message_id: number | null };
    expect(relay.market_message_id).not.toBeNull();
  });

  it('creates one topic when two syncs of a new chat start at once', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Petr' });
    h.market.addMessage(chat.chatId, { message: 'Hi' });
    await Promise.all([inbound(h).syncChat(chat.chatId, 'CHAT_CREATED'), inbound(h).syncChat(chat.chatId, 'message')]);
    await settle(h);
    expect(liveTopics(h)).toHaveLength(1);
    expect(h.tg.calls.filter((c) => c.method === 'createForumTopic')).toHaveLength(1);
    expect(botTexts(h, GROUP_ID, liveTopics(h)[0]!.message_thread_id).filter((t) => t.includes('Hi'))).toHaveLength(1);
  });

  it('the Telegram side creates one topic per chat however its posts race; the unique index has the last word', async () => {
    ({ h } = await syncHarness());
    await inbound(h).stop(0); // drive the Telegram side by hand, without the sync engine
    const { db } = h.bridge!.db;
    const telegram = () =>
      new TelegramInbound({
        api: h!.bridge!.bot.api,
        db,
        log: h!.bridge!.log,
        tgChatId: GROUP_ID,
        businessId: h!.market.businessId,
        outbox: new TelegramOutbox({ pacing: LIFTED_PACING }),
        fetchFile: async () => ({ ok: false, why: 'unreachable' }),
      });
    const record = (marketChatId: number) => {
      recordSync(db, h!.market.businessId, {
        facts: { marketChatId, type: 'CHAT', status: 'NEW', contextType: 'ORDER', orderId: marketChatId, returnId: null, customerName: 'Race', marketCreatedAt: null },
        marketUpdatedAt: undefined,
        shownFrom: null,
        messages: [1, 2].map((n) => ({ marketMessageId: n, sender: 'CUSTOMER', createdAt: Date.now(), text: `race ${n}`, files: null })),
        skipped: 0,
        lastMessageId: 2,
        clockSkewMs: 0,
      });
      return { chat: getMarketChat(db, h!.market.businessId, marketChatId)!, messages: pendingMessages(db, h!.market.businessId, marketChatId) };
    };
    const one = telegram();
    const a = record(9001);
    await Promise.all(a.messages.map((m) => one.post(a.chat, m)));
    expect(h.tg.calls.filter((c) => c.method === 'createForumTopic')).toHaveLength(1);

    // Two bridges' worth of Telegram sides (no shared guard): both create a topic, one link wins, the loser is removed.
    const b = record(9002);
    await Promise.all([one.post(b.chat, b.messages[0]!), telegram().post(b.chat, b.messages[1]!)]);
    expect(h.tg.calls.filter((c) => c.method === 'createForumTopic')).toHaveLength(3);
    const homes = h.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = 9002');
    expect(homes).toHaveLength(1);
    expect(liveTopics(h).map((t) => t.message_thread_id)).toContain(homes[0]!.tg_thread_id);
    expect(liveTopics(h)).toHaveLength(2);
  });

  it('recreates and relinks a topic someone deleted', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Anna' });
    h.market.addMessage(chat.chatId, { message: 'First' });
    await syncNow(h, chat.chatId);
    const old = liveTopics(h)[0]!.message_thread_id;
    h.tg.deleteTopic(GROUP_ID, old);

    h.market.addMessage(chat.chatId, { message: 'Second' });
    await syncNow(h, chat.chatId);
    const topics = liveTopics(h);
    expect(topics).toHaveLength(1);
    const thread = topics[0]!.message_thread_id;
    expect(thread).not.toBe(old);
    const texts = botTexts(h, GROUP_ID, thread);
    expect(texts[0]).toContain(`Market chat ${chat.chatId}`);
    expect(texts.slice(1)).toEqual(['👤 Buyer\nSecond']);

    const reply = h.tg.userSends({ chatId: GROUP_ID, threadId: thread, from: ADMIN, text: 'Answer in the new topic' });
    await h.reacted(GROUP_ID, reply.message_id);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Answer in the new topic']);
  });

  it('marks a chat waiting for the seller, closes it when finished and reopens it on a new message', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Ilya' });
    h.market.addMessage(chat.chatId, { message: 'Question' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;
    const topic = () => h!.tg.topics(GROUP_ID).find((t) => t.message_thread_id === thread)!;
    expect(topic().name.startsWith('❗ ')).toBe(true);

    // The shop answered from the cabinet: the chat waits for the buyer now.
    h.market.addMessage(chat.chatId, { sender: 'PARTNER', message: 'Answer' });
    await syncNow(h, chat.chatId);
    expect(topic().name).toBe(`Order ${chat.context.orderId} · Ilya`);

    h.market.setChatStatus(chat.chatId, 'FINISHED');
    await syncNow(h, chat.chatId);
    expect(topic().closed).toBe(true);
    await syncNow(h, chat.chatId);
    expect(h.tg.calls.filter((c) => c.method === 'closeForumTopic')).toHaveLength(1);

    h.market.addMessage(chat.chatId, { message: 'One more thing' });
    await syncNow(h, chat.chatId);
    expect(topic().closed).toBe(false);
    expect(botTexts(h, GROUP_ID, thread).at(-1)).toBe('👤 Buyer\nOne more thing');
  });

  it('flags a dispute once, however often it is announced', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Vera' });
    h.market.addMessage(chat.chatId, { message: 'Broken item' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;
    await syncNow(h, chat.chatId, 'arbitrage_started');
    await syncNow(h, chat.chatId, 'arbitrage_started');
    const flags = botTexts(h, GROUP_ID, thread).filter((t) => t.startsWith('⚖️'));
    expect(flags).toHaveLength(1);
    expect(h.tg.topics(GROUP_ID).find((t) => t.message_thread_id === thread)!.name.startsWith('⚖️ ')).toBe(true);
    await syncNow(h, chat.chatId, 'arbitrage_finished');
    expect(botTexts(h, GROUP_ID, thread).filter((t) => t.startsWith('⚖️'))).toHaveLength(2);
  });

  it('does not show the seller’s own photo and its caption again', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Rita' });
    h.market.addMessage(chat.chatId, { message: 'Send a photo of the box please' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;
    const photo = h.tg.userSends({ chatId: GROUP_ID, threadId: thread, from: ADMIN, photo: { bytes: TINY_JPEG, caption: 'Here it is' } });
    await h.reacted(GROUP_ID, photo.message_id);
    expect(h.market.sentFiles(chat.chatId)).toHaveLength(1);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Here it is']);

    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID, thread)).toHaveLength(2); // the card and the buyer's message, nothing more
    const states = h.rows<{ state: string }>("SELECT state FROM inbound_messages WHERE sender = 'PARTNER'");
    expect(states.map((r) => r.state)).toEqual(['own', 'own']);
  });

  it('says so in the thread when Market no longer has the chat', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Gleb' });
    h.market.addMessage(chat.chatId, { message: 'Hello' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;
    h.market.failNext('getChatHistory', { kind: 'status', status: 404 });
    h.market.failNext('getChat', { kind: 'status', status: 404 });
    await syncNow(h, chat.chatId);
    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID, thread).filter((t) => t.includes('no longer has this chat'))).toHaveLength(1);
  });

  it('names return chats by return id and arbitrage chats as disputes, within 128 characters', async () => {
    ({ h } = await syncHarness());
    const ret = h.market.addChat({ context: { type: 'RETURN', returnId: 4321, orderId: 99, customer: { name: 'Lev' } } });
    const dispute = h.market.addChat({ type: 'ARBITRAGE', customerName: 'N'.repeat(200) });
    const direct = h.market.addChat({ context: { type: 'DIRECT', customer: { name: 'Zoya' } } });
    for (const c of [ret, dispute, direct]) await syncNow(h, c.chatId);
    // The first scan may have picked some of them up already, so look them up by name rather than by order.
    const names = liveTopics(h).map((t) => t.name);
    expect(names).toHaveLength(3);
    expect(names).toContain('Return 4321 · Lev');
    expect(names).toContain('Question · Zoya');
    const long = names.find((n) => n.startsWith(`⚖️ Dispute · Order ${dispute.context.orderId} · NNN`));
    expect(long).toBeDefined();
    expect(long!.length).toBeLessThanOrEqual(128);
    expect(long!.endsWith('…')).toBe(true);
  });
});
