/** The inbound sync across restarts and Market's limits: nothing lost, nothing repeated, only the paused method waits. */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/texts.js';
import { ADMIN, type Harness } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING, botTexts, inbound, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const buyerTexts = (texts: string[]) => texts.filter((t) => t.startsWith('👤 Buyer\n')).map((t) => t.slice('👤 Buyer\n'.length));

describe('inbound sync across restarts', () => {
  it('a restart in the middle of posting a chat loses and repeats nothing', async () => {
    // Telegram pacing lets 5 sends through (topic, card, 3 messages); the rest wait when the bridge stops.
    ({ h } = await syncHarness({ bridge: { inbound: { pacing: { groupPerMinute: 5 } } } }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    const sent = Array.from({ length: 10 }, (_, i) => `message ${i + 1}`);
    for (const message of sent) h.market.addMessage(chat.chatId, { message });
    void inbound(h).syncChat(chat.chatId, 'test');
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length === 3, 5000, 'three messages posted');

    await h.restart({ inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 60_000 } } });
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length >= 10, 5000, 'the rest posted after the restart');
    await syncNow(h, chat.chatId);

    expect(liveTopics(h)).toHaveLength(1);
    const texts = botTexts(h, GROUP_ID, liveTopics(h)[0]!.message_thread_id);
    expect(texts.filter((t) => t.includes(`Market chat ${chat.chatId}`))).toHaveLength(1);
    expect(buyerTexts(texts)).toEqual(sent);
  });

  it('a post whose answer was lost (Telegram may have it) is posted again marked as a possible repeat, never silently twice', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'first' });
    await syncNow(h, chat.chatId); // topic, card, "first"
    h.market.addMessage(chat.chatId, { message: 'second' });
    // Telegram takes "second", then the connection drops before the answer: the bridge cannot know it arrived.
    h.tg.failNext('sendMessage', { kind: 'dropAnswer' });
    await syncNow(h, chat.chatId).catch(() => undefined);
    await h.restart({ inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 60_000 } } });
    await h.until(() => botTexts(h!, GROUP_ID).filter((t) => t.includes('second')).length === 2, 5000, 'the repeat posted');
    await syncNow(h, chat.chatId);

    const seconds = botTexts(h, GROUP_ID).filter((t) => t.includes('second'));
    expect(seconds).toEqual(['👤 Buyer\nsecond', `${t('inbound.mayRepeat')}\n👤 Buyer\nsecond`]);
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['first', 'second']);
  });

  it('messages recorded while Telegram refuses are posted after a restart, once', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Olga' });
    for (const message of ['one', 'two', 'three']) h.market.addMessage(chat.chatId, { message });
    h.tg.setBotRights(GROUP_ID, { status: 'left' }, { notify: false }); // sends fail 403 until it is back
    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID)).toEqual([]);
    expect(h.rows("SELECT * FROM inbound_messages WHERE state = 'pending'")).toHaveLength(3);

    h.tg.setBotRights(GROUP_ID, { status: 'administrator', canManageTopics: true, canDeleteMessages: true }, { notify: false });
    await h.restart();
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length >= 3, 5000, 'recorded messages posted');
    h.market.addMessage(chat.chatId, { message: 'four' });
    await syncNow(h, chat.chatId);
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['one', 'two', 'three', 'four']);
    expect(h.rows("SELECT * FROM inbound_messages WHERE state = 'pending'")).toHaveLength(0);
  });

  it('a history read cut off by a stop is read again after the restart', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Petr' });
    h.market.addMessage(chat.chatId, { message: 'first' });
    await syncNow(h, chat.chatId);
    h.market.addMessage(chat.chatId, { message: 'second' });
    h.market.failNext('getChatHistory', { kind: 'hang', ms: 3000 });
    void inbound(h).syncChat(chat.chatId, 'test');
    await h.market.waitForRequest((r) => r.operationId === 'getChatHistory' && r.fault !== undefined);
    await h.restart();
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length >= 2, 5000, 'the second message after the restart');
    await syncNow(h, chat.chatId);
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['first', 'second']);
  });
});

describe('inbound sync under Market limits', () => {
  it('a 420 on the history pauses that method only: a seller reply still goes out', async () => {
    ({ h } = await syncHarness());
    const chat = h.market.addChat({ customerName: 'Vera' });
    h.market.addMessage(chat.chatId, { message: 'before' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;

    const until = new Date(Date.now() + 2000).toUTCString();
    h.market.failNext('getChatHistory', { kind: 'status', status: 420, headers: { 'X-RateLimit-Resource-Until': until } });
    h.market.addMessage(chat.chatId, { message: 'during the pause' });
    await syncNow(h, chat.chatId);
    const limits = h.bridge!.limits;
    expect(limits.blockedUntil('getChatHistory', 'sync')).toBeDefined();
    expect(buyerTexts(botTexts(h, GROUP_ID, thread))).toEqual(['before']);

    const reads = h.market.count('getChatHistory');
    const reply = h.tg.userSends({ chatId: GROUP_ID, threadId: thread, from: ADMIN, text: 'We are on it' });
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['We are on it']);
    await syncNow(h, chat.chatId);
    expect(h.market.count('getChatHistory')).toBe(reads); // still paused: not even asked

    await h.until(() => limits.blockedUntil('getChatHistory', 'sync') === undefined, 5000, 'the pause to end');
    await syncNow(h, chat.chatId);
    expect(buyerTexts(botTexts(h, GROUP_ID, thread))).toEqual(['before', 'during the pause']);
  });

  it('a 420 on the chat list leaves the push path working', async () => {
    ({ h } = await syncHarness({ intervalMs: 200 }));
    const until = new Date(Date.now() + 60_000).toUTCString();
    h.market.failNext('getChats', { kind: 'status', status: 420, headers: { 'X-RateLimit-Resource-Until': until } });
    await h.until(() => h!.bridge!.limits.blockedUntil('getChats', 'sync') !== undefined, 5000, 'getChats paused');
    const lists = h.market.count('getChats');

    const chat = h.market.addChat({ customerName: 'Lev' });
    h.market.addMessage(chat.chatId, { message: 'pushed' });
    await syncNow(h, chat.chatId);
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['pushed']);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.market.count('getChats')).toBe(lists); // the scan waits for Until
  });
});
