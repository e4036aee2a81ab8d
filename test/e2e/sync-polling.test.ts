/** The polling side of the inbound sync: what a scan finds, what it costs, and what the first start shows. */
import { afterEach, describe, expect, it } from 'vitest';
import { tick, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botMessageWith, botTexts, inbound, liveTopics, marketTimeAgo, settle, syncHarness } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const DAY = 24 * 60 * 60_000;

describe('inbound sync by polling', () => {
  it('finds new chats and new messages without being told', async () => {
    ({ h } = await syncHarness({ intervalMs: 200 }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Found by polling' });
    await botMessageWith(h, 'Found by polling');
    h.market.addMessage(chat.chatId, { message: 'And the next one' });
    await botMessageWith(h, 'And the next one');
    expect(liveTopics(h)).toHaveLength(1);
    expect(h.market.requests.filter((r) => r.operationId === 'getChats').every((r) => r.query.limit === '20')).toBe(true);
  });

  it('closes the topic of a chat that finished, found when it leaves the open list', async () => {
    ({ h } = await syncHarness({ intervalMs: 200 }));
    const chat = h.market.addChat({ customerName: 'Olga' });
    h.market.addMessage(chat.chatId, { message: 'Hello' });
    await botMessageWith(h, 'Hello');
    h.market.setChatStatus(chat.chatId, 'FINISHED');
    await h.until(() => liveTopics(h!)[0]?.closed === true, 5000, 'the topic to close');
    // Open scans ask only for open statuses; the finished chat was looked up by id.
    const lists = h.market.requests.filter((r) => r.operationId === 'getChats').map((r) => r.body as { statuses?: string[] });
    expect(lists.some((b) => b.statuses?.includes('NEW') && !b.statuses.includes('FINISHED'))).toBe(true);
    expect(h.market.requests.some((r) => r.operationId === 'getChat' && r.query.chatId === String(chat.chatId))).toBe(true);
  });

  it('an unchanged shop costs only its chat list pages, once one more read has confirmed each change', async () => {
    ({ h } = await syncHarness({
      before: (h) => {
        for (let i = 0; i < 45; i++) h.market.addChat({ customerName: `Buyer ${i}` });
      },
    }));
    await h.until(() => liveTopics(h!).length === 45, 20_000, 'a topic for each chat');
    await settle(h);
    // Market's updatedAt has whole seconds: the scan a second after the one that saw a change reads each chat once
    // more (a message in the same second would not move updatedAt), and from then on an unchanged chat costs nothing.
    await tick(1100);
    const confirming = await inbound(h).sync.scan('open');
    // (Fewer than 45 when a slow first pass read some chats over a second after listing them: those are confirmed.)
    expect(confirming.complete).toBe(true);
    expect(confirming.synced).toBeLessThanOrEqual(45);
    await settle(h);
    const seen = h.market.requests.length;
    const full = await inbound(h).sync.scan('full');
    const open = await inbound(h).sync.scan('open');
    const ops = h.market.requests.slice(seen).map((r) => r.operationId);
    expect(full).toMatchObject({ pages: 3, complete: true, synced: 0 });
    expect(open).toMatchObject({ pages: 3, complete: true, synced: 0 });
    expect(ops).toEqual(Array(6).fill('getChats'));
  });

  it('on the first start shows chats active in the last day, and older ones only when they change', async () => {
    ({ h } = await syncHarness({
      intervalMs: 200,
      before: (h) => {
        const old = h.market.addChat({ customerName: 'Old', createdAt: marketTimeAgo(10 * DAY), updatedAt: marketTimeAgo(10 * DAY) });
        h.market.addMessage(old.chatId, { message: 'old question', createdAt: marketTimeAgo(9 * DAY) });
        h.market.addMessage(old.chatId, { sender: 'PARTNER', message: 'old answer', createdAt: marketTimeAgo(9 * DAY) });
        const recent = h.market.addChat({ customerName: 'Recent', createdAt: marketTimeAgo(5 * DAY) });
        h.market.addMessage(recent.chatId, { message: 'last week', createdAt: marketTimeAgo(5 * DAY) });
        h.market.addMessage(recent.chatId, { message: 'this morning', createdAt: marketTimeAgo(DAY / 4) });
      },
    }));
    const [old, recent] = [1001, 1002];
    await botMessageWith(h, 'this morning');
    await settle(h);
    expect(liveTopics(h).map((t) => t.name)).toEqual(['❗ Order 70000002 · Recent']);
    const recentTexts = botTexts(h, GROUP_ID, liveTopics(h)[0]!.message_thread_id);
    expect(recentTexts[0]).toContain('1 earlier message of this chat is not shown here');
    expect(recentTexts.slice(1)).toEqual(['👤 Buyer\nthis morning']);

    h.market.addMessage(old, { message: 'back again' });
    await botMessageWith(h, 'back again');
    await settle(h);
    const topic = liveTopics(h).find((t) => t.name.includes('Old'))!;
    const oldTexts = botTexts(h, GROUP_ID, topic.message_thread_id);
    expect(oldTexts[0]).toContain('2 earlier messages of this chat are not shown here');
    expect(oldTexts.slice(1)).toEqual(['👤 Buyer\nback again']);
    expect(recent).toBe(1002);
  });
});
