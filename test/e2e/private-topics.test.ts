/**
 * One seller, one phone (issue 11): TELEGRAM_CHAT_ID is the seller's own private chat with the bot. With the bot's
 * topic mode on (Bot API 9.3: getMe's has_topics_enabled), each Market chat gets its own topic there, as in a forum
 * group; without it, today's reply chains stay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, OUTSIDER, cmd0, type Harness } from '../helpers/harness.js';
import { t } from '../../src/texts.js';
import { botTexts, settle, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const topicsOf = (h: Harness) => h.tg.topics(ADMIN.id).filter((t) => t.createdByBot && !t.deleted);

describe('a private chat with topics', () => {
  it('gives each Market chat its own topic; the seller answers there; finished chats and a restart keep the topic', async () => {
    ({ h } = await syncHarness({ target: 'private', telegram: { privateTopics: true } }));
    const ivan = h.market.addChat({ customerName: 'Ivan' });
    const olga = h.market.addChat({ customerName: 'Olga' });
    h.market.addMessage(ivan.chatId, { message: 'Where is my order?' });
    h.market.addMessage(olga.chatId, { message: 'Is it in stock?' });
    await syncNow(h, ivan.chatId);
    await syncNow(h, olga.chatId);

    const topics = topicsOf(h);
    expect(topics.map((t) => t.name).sort()).toEqual([`❗ Order ${ivan.context.orderId} · Ivan`, `❗ Order ${olga.context.orderId} · Olga`].sort());
    const ivanThread = topics.find((t) => t.name.includes('Ivan'))!.message_thread_id;
    const texts = botTexts(h, ADMIN.id, ivanThread);
    expect(texts[0]).toContain(`Market chat ${ivan.chatId}`);
    // Topic mode: no reply-chain header, only the sender line.
    expect(texts.slice(1)).toEqual(['👤 Buyer\nWhere is my order?']);

    // The seller writes in the topic (no reply needed): it goes to that buyer only.
    const reply = h.says(ADMIN.id, ivanThread, 'Tomorrow by noon.');
    expect(await h.reacted(ADMIN.id, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(ivan.chatId)).toEqual(['Tomorrow by noon.']);
    expect(h.market.partnerTexts(olga.chatId)).toEqual([]);

    // Finished: said in the topic; closing is supergroup-only, so it is not asked for.
    h.market.setChatStatus(ivan.chatId, 'FINISHED');
    await syncNow(h, ivan.chatId);
    expect(h.tg.calls.filter((c) => c.method === 'closeForumTopic' || c.method === 'reopenForumTopic')).toEqual([]);
    expect(botTexts(h, ADMIN.id, ivanThread).at(-1)).toContain('finished');

    // After a restart the chat continues in the same topic.
    await h.restart();
    h.market.addMessage(ivan.chatId, { message: 'One more thing' });
    await syncNow(h, ivan.chatId);
    expect(topicsOf(h)).toHaveLength(2);
    expect(botTexts(h, ADMIN.id, ivanThread).at(-1)).toBe('👤 Buyer\nOne more thing');
    const again = h.says(ADMIN.id, ivanThread, 'Noted.');
    expect(await h.reacted(ADMIN.id, again.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(ivan.chatId)).toEqual(['Tomorrow by noon.', 'Noted.']);
    expect(h.tg.calls.filter((c) => c.method === 'createForumTopic')).toHaveLength(2);
  });

  it('offers templates with /t in a private topic, sent from there with 👍', async () => {
    ({ h } = await syncHarness({ target: 'private', telegram: { privateTopics: true }, bridge: { templates: { shopName: 'Best Shop' } } }));
    const source = h.says(ADMIN.id, undefined, 'Thank you, {buyer}! {shop}');
    const add = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: '/template add thanks', entities: [cmd0('/template')], replyTo: source.message_id });
    expect((await h.replyTo(ADMIN.id, add.message_id)).text).toBe(t('templates.saved', { name: 'thanks' }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Hi' });
    await syncNow(h, chat.chatId);
    const thread = topicsOf(h)[0]!.message_thread_id;
    const ask = h.tg.userSends({ chatId: ADMIN.id, threadId: thread, from: ADMIN, text: '/t', entities: [cmd0('/t')] });
    const picker = await h.replyTo(ADMIN.id, ask.message_id);
    expect(picker.message_thread_id).toBe(thread);
    const pick = picker.reply_markup!.inline_keyboard.flat()[0]!;
    h.tg.userPressesButton({ chatId: ADMIN.id, messageId: picker.message_id, from: ADMIN, data: 'callback_data' in pick ? pick.callback_data! : '' });
    const shown = await h.tg.waitForBotMessage((m) => m.chat.id === ADMIN.id && m.reply_to_message?.message_id === picker.message_id);
    expect(shown.message_thread_id).toBe(thread);
    const send = shown.reply_markup!.inline_keyboard.flat()[0]!;
    h.tg.userPressesButton({ chatId: ADMIN.id, messageId: shown.message_id, from: ADMIN, data: 'callback_data' in send ? send.callback_data! : '' });
    expect(await h.reacted(ADMIN.id, shown.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Thank you, Ivan! Best Shop']);
  });

  it('recreates a topic the seller deleted', async () => {
    ({ h } = await syncHarness({ target: 'private', telegram: { privateTopics: true } }));
    const chat = h.market.addChat({ customerName: 'Petr' });
    h.market.addMessage(chat.chatId, { message: 'Hi' });
    await syncNow(h, chat.chatId);
    const first = topicsOf(h)[0]!.message_thread_id;
    h.tg.deleteTopic(ADMIN.id, first);
    h.market.addMessage(chat.chatId, { message: 'Hello?' });
    await syncNow(h, chat.chatId);
    const [second] = topicsOf(h);
    expect(second!.message_thread_id).not.toBe(first);
    expect(botTexts(h, ADMIN.id, second!.message_thread_id).at(-1)).toBe('👤 Buyer\nHello?');
  });

  it('keeps reply chains when the bot has no topic mode in private chats', async () => {
    ({ h } = await syncHarness({ target: 'private' }));
    const chat = h.market.addChat({ customerName: 'Vera' });
    h.market.addMessage(chat.chatId, { message: 'Hello' });
    await syncNow(h, chat.chatId);
    expect(h.tg.calls.filter((c) => c.method === 'createForumTopic')).toEqual([]);
    const post = h.tg.botMessages(ADMIN.id).at(-1)!;
    expect(post.message_thread_id).toBeUndefined();
    expect(post.text).toContain(`chat ${chat.chatId}`);
    const reply = h.says(ADMIN.id, undefined, 'Hi Vera', ADMIN, post.message_id);
    expect(await h.reacted(ADMIN.id, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Hi Vera']);
  });

  it('relays nothing from someone not on the team, even in their own private chat with topics', async () => {
    ({ h } = await syncHarness({ target: 'private', telegram: { privateTopics: true } }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Hi' });
    await syncNow(h, chat.chatId);
    h.tg.addPrivateChat(OUTSIDER);
    const topic = h.tg.createTopic(OUTSIDER.id, 'My topic', { by: OUTSIDER });
    const m = h.says(OUTSIDER.id, topic.message_thread_id, `/link ${chat.chatId}`, OUTSIDER);
    const answer = await h.tg.waitForBotMessage((b) => b.chat.id === OUTSIDER.id && b.message_id > m.message_id);
    await h.settled();
    await settle(h);
    expect(answer.text).toBe(t('auth.refused'));
    expect(h.sends()).toEqual([]);
  });
});
