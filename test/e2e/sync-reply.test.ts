/** Inbound sync without topics: the owner's private chat, and a forum where the bot may not manage topics. */
import { afterEach, describe, expect, it } from 'vitest';
import { TINY_JPEG } from '../fakes/telegram.js';
import { ADMIN, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botMessageWith, botTexts, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('inbound sync in reply chains', () => {
  it('posts each buyer message in the private chat with a header, and relays a reply to it', async () => {
    ({ h } = await syncHarness({ target: 'private' }));
    const a = h.market.addChat({ customerName: 'Ivan' });
    const b = h.market.addChat({ customerName: 'Maria' });
    h.market.addMessage(a.chatId, { message: 'Where is my parcel?' });
    h.market.addMessage(b.chatId, { message: 'Can I change the size?' });
    await syncNow(h, a.chatId);
    await syncNow(h, b.chatId);

    const texts = botTexts(h, ADMIN.id);
    expect(texts).toContain(`💬 Order ${a.context.orderId} · Ivan (chat ${a.chatId}) — 👤 Buyer\nWhere is my parcel?`);
    expect(texts).toContain(`💬 Order ${b.context.orderId} · Maria (chat ${b.chatId}) — 👤 Buyer\nCan I change the size?`);
    expect(h.tg.calls.some((c) => c.method === 'createForumTopic')).toBe(false);

    const buyer = await botMessageWith(h, 'Can I change the size?');
    const reply = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: 'Yes, tell me which one.', replyTo: buyer.message_id });
    await h.reacted(ADMIN.id, reply.message_id);
    expect(h.market.partnerTexts(b.chatId)).toEqual(['Yes, tell me which one.']);
    expect(h.market.partnerTexts(a.chatId)).toEqual([]);
  });

  it('shows a buyer photo and document as files, and a file it cannot fetch as a named link', async () => {
    ({ h } = await syncHarness({ target: 'private' }));
    const chat = h.market.addChat({ customerName: 'Oleg' });
    const photo = h.market.addFile('parcel.jpg', TINY_JPEG, 'image/jpeg');
    const pdf = h.market.addFile('receipt.pdf', Buffer.from('%PDF-1.4 test receipt'), 'application/pdf');
    const gone = `${h.market.url}/files/999/lost.png`;
    h.market.addMessage(chat.chatId, { payload: [{ name: 'parcel.jpg', url: photo, size: TINY_JPEG.length }] });
    h.market.addMessage(chat.chatId, { message: 'And the receipt', payload: [{ name: 'receipt.pdf', url: pdf, size: 21 }] });
    h.market.addMessage(chat.chatId, { payload: [{ name: 'lost.png', url: gone, size: 2_500_000 }] });
    await syncNow(h, chat.chatId);

    const msgs = h.tg.botMessages(ADMIN.id);
    const header = `💬 Order ${chat.context.orderId} · Oleg (chat ${chat.chatId}) — 👤 Buyer`;
    expect(msgs.map((m) => (m.photo ? 'photo' : m.document ? `document ${m.document.file_name}` : 'text'))).toEqual([
      'photo',
      'text',
      'document receipt.pdf',
      'text',
    ]);
    expect(msgs[0]!.caption).toBe(header);
    expect(msgs[1]!.text).toBe(`${header}\nAnd the receipt`);
    expect(msgs[3]!.text).toBe(`${header}\n📎 lost.png (2.4 MB) — could not be attached here; open it: ${gone}`);

    // Replying to the file relays too (every posted message is an anchor).
    const reply = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: 'Thanks, checking.', replyTo: msgs[2]!.message_id });
    await h.reacted(ADMIN.id, reply.message_id);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Thanks, checking.']);
  });

  it('says once that topics are refused, then uses reply chains in the group', async () => {
    ({ h } = await syncHarness({ group: { botCanManageTopics: false } }));
    const a = h.market.addChat({ customerName: 'Ivan' });
    const b = h.market.addChat({ customerName: 'Nina' });
    h.market.addMessage(a.chatId, { message: 'Hello?' });
    h.market.addMessage(b.chatId, { message: 'Hi!' });
    await syncNow(h, a.chatId);
    await syncNow(h, b.chatId);
    h.market.addMessage(a.chatId, { message: 'Anyone?' });
    await syncNow(h, a.chatId);

    expect(liveTopics(h)).toHaveLength(0);
    const texts = botTexts(h, GROUP_ID);
    expect(texts.filter((t) => t.includes('can’t create a topic'))).toHaveLength(1);
    expect(texts).toContain(`💬 Order ${a.context.orderId} · Ivan (chat ${a.chatId}) — 👤 Buyer\nAnyone?`);
    expect(texts).toContain(`💬 Order ${b.context.orderId} · Nina (chat ${b.chatId}) — 👤 Buyer\nHi!`);

    const buyer = await botMessageWith(h, 'Anyone?');
    const reply = h.tg.userSends({ chatId: GROUP_ID, from: ADMIN, text: 'Here!', replyTo: buyer.message_id });
    await h.reacted(GROUP_ID, reply.message_id);
    expect(h.market.partnerTexts(a.chatId)).toEqual(['Here!']);

    // Still refused after a restart: not said again.
    await h.restart();
    h.market.addMessage(b.chatId, { message: 'Still there?' });
    await syncNow(h, b.chatId);
    expect(botTexts(h, GROUP_ID).filter((t) => t.includes('can’t create a topic'))).toHaveLength(1);
  });

  it('uses reply chains in an ordinary group without trying topics', async () => {
    ({ h } = await syncHarness({ target: 'group' }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Hello' });
    await syncNow(h, chat.chatId);
    expect(h.tg.calls.some((c) => c.method === 'createForumTopic')).toBe(false);
    expect(botTexts(h, GROUP_ID)).toEqual([`💬 Order ${chat.context.orderId} · Ivan (chat ${chat.chatId}) — 👤 Buyer\nHello`]);
  });
});
