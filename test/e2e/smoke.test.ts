import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('smoke', () => {
  it('links a topic and relays a message', async () => {
    h = await Harness.create();
    const chat = h.market.addChat({ customerName: 'Ivan' });
    const { chatId, threadId } = h.forum();
    const card = await h.linkTopic(chatId, threadId, chat.chatId);
    expect(card.text).toContain(`Linked to Market chat ${chat.chatId}`);
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, text: 'Hello, your order ships today' });
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Hello, your order ships today']);
  });
});
