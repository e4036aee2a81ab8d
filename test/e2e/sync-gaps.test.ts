/**
 * The holes polling could leave in "every buyer message shown, once, in order": messages written in the same second,
 * histories longer than one sync reads, finished chats that get a new message, and a backlog of buyer files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/texts.js';
import { TINY_JPEG } from '../fakes/telegram.js';
import { ADMIN, tick, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botMessageWith, botTexts, inbound, liveTopics, syncHarness } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const buyerTexts = (texts: string[]) => texts.filter((x) => x.startsWith('👤 Buyer\n')).map((x) => x.slice('👤 Buyer\n'.length));
/** getChats calls without a filter: full scans. */
const fullScans = (h: Harness) =>
  h.market.requests.filter((r) => {
    const body = r.body as { statuses?: unknown; contexts?: unknown } | undefined;
    return r.operationId === 'getChats' && !body?.statuses && !body?.contexts;
  }).length;

describe('same-second messages', () => {
  it('shows both of two messages written in the same second with a scan between, by polling alone', async () => {
    // Market's clock stands still: every timestamp is the same whole second, so updatedAt never moves.
    const second = Math.floor(Date.now() / 1000) * 1000;
    ({ h } = await syncHarness({ intervalMs: 150, market: { now: () => second, model: { wholeSeconds: true } } }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'first in the second' });
    // A scan has listed the chat and read its history (the first message only); the buyer writes again at once.
    await h.market.waitForRequest(
      (r) => r.operationId === 'getChatHistory' && r.query.chatId === String(chat.chatId) && r.status === 200,
    );
    const updatedAt = h.market.addMessage(chat.chatId, { message: 'second in the same second' }).createdAt;
    expect(h.market.messagesOf(chat.chatId).map((m) => m.createdAt)).toEqual([updatedAt, updatedAt]);
    await botMessageWith(h, 'second in the same second', 5000);
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['first in the second', 'second in the same second']);
  });
});

describe('long histories', () => {
  for (const order of ['asc', 'desc'] as const) {
    it(`reads the rest of a long history on the next pass, every message once and in order (${order} pages)`, async () => {
      ({ h } = await syncHarness({
        intervalMs: 150,
        market: { historyOrder: order },
        bridge: { inbound: { sync: { maxHistoryPages: 1 } } },
      }));
      const chat = h.market.addChat({ customerName: 'Petr' });
      const sent = Array.from({ length: 230 }, (_, i) => `long ${i + 1}`);
      for (const message of sent) h.market.addMessage(chat.chatId, { message });
      await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length >= sent.length, 15_000, 'the whole history shown');
      await tick(400); // a few more scans: nothing more may appear
      expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(sent);
      expect(h.rows("SELECT * FROM inbound_messages WHERE state = 'pending'")).toHaveLength(0);
    });
  }
});

describe('finished chats', () => {
  for (const reopens of [false, true]) {
    it(`a new message in a finished chat reopens its topic by polling, without a full scan (status ${reopens ? 'moves' : 'stays FINISHED'})`, async () => {
      ({ h } = await syncHarness({ intervalMs: 150, market: { model: { buyerReopensFinished: reopens } } }));
      const chat = h.market.addChat({ customerName: 'Olga' });
      h.market.addMessage(chat.chatId, { message: 'Hello' });
      await botMessageWith(h, 'Hello');
      const thread = liveTopics(h)[0]!.message_thread_id;
      const topic = () => h!.tg.topics(GROUP_ID).find((x) => x.message_thread_id === thread)!;

      h.market.setChatStatus(chat.chatId, 'FINISHED');
      await h.until(() => topic().closed, 5000, 'the topic to close');
      // The bridge says why it closed the topic, in one short line, before closing it.
      const texts = botTexts(h, GROUP_ID, thread);
      expect(texts.at(-1)).toBe(t('inbound.finished'));
      expect(texts.at(-1)!.split('\n')).toHaveLength(1);

      const full = fullScans(h);
      h.market.addMessage(chat.chatId, { message: 'One more question', sender: 'CUSTOMER' });
      await botMessageWith(h, 'One more question', 5000);
      expect(topic().closed).toBe(false);
      expect(fullScans(h)).toBe(full);
      expect(buyerTexts(botTexts(h, GROUP_ID, thread))).toEqual(['Hello', 'One more question']);
    });
  }
});

describe('buyer files', () => {
  it('downloads each buyer file when its turn to be posted comes, not the whole backlog at once', async () => {
    ({ h } = await syncHarness({ target: 'private' }));
    const chats = Array.from({ length: 4 }, (_, i) => {
      const chat = h!.market.addChat({ customerName: `Buyer ${i}` });
      const url = h!.market.addFile(`photo${i}.jpg`, TINY_JPEG, 'image/jpeg');
      h!.market.addMessage(chat.chatId, { payload: [{ name: `photo${i}.jpg`, url, size: TINY_JPEG.length }] });
      return chat;
    });
    const downloads = () => h!.market.requests.filter((r) => r.path.startsWith('/files/')).length;
    // Telegram holds the first upload a while: the other files wait their turn, undownloaded.
    h.tg.failNext('sendPhoto', { kind: 'hang', ms: 800 });
    for (const c of chats) void inbound(h).syncChat(c.chatId, 'test');
    await h.until(() => h!.tg.calls.some((c) => c.method === 'sendPhoto'), 5000, 'the first upload under way');
    await tick(400);
    expect(downloads()).toBe(1);
    await h.until(() => h!.tg.botMessages(ADMIN.id).filter((m) => m.photo).length === 4, 5000, 'all four photos');
    expect(downloads()).toBe(4);
  });
});
