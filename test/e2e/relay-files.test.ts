/**
 * Seller photos and documents to buyers (issue 3, part 5): the real wiring against the fakes. A file goes with
 * sendFileToChat (multipart field `file`); its caption follows as a text message; over 5 MB is refused up front.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Update } from 'grammy/types';

/** A message as an update carries it (Telegram redelivers the same one). */
type UpdateMessage = NonNullable<Update['message']>;
import { MAX_FILE_BYTES } from '../../src/market/client.js';
import { TINY_JPEG, TINY_PNG } from '../fakes/telegram.js';
import { ADMIN, Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A Market chat linked to a fresh forum topic. */
async function linked(harness: Harness): Promise<{ marketChatId: number; chatId: number; threadId: number }> {
  const chat = harness.market.addChat({ customerName: 'Ivan' });
  const { chatId, threadId } = harness.forum();
  const card = await harness.linkTopic(chatId, threadId, chat.chatId);
  expect(card.text).toContain(`Linked to Market chat ${chat.chatId}`);
  return { marketChatId: chat.chatId, chatId, threadId };
}

/** What the buyer sees from the shop, in order: files by name, texts as they are. */
function partnerTimeline(harness: Harness, marketChatId: number): string[] {
  return harness.market
    .messagesOf(marketChatId)
    .filter((m) => m.sender === 'PARTNER')
    .map((m) => (m.payload ? `file:${m.payload.map((p) => p.name).join(',')}` : `text:${m.message ?? ''}`));
}

const fileSends = (harness: Harness) => harness.market.requests.filter((r) => r.operationId === 'sendFileToChat');
const textSends = (harness: Harness) => harness.market.requests.filter((r) => r.operationId === 'sendMessageToChat');

describe('seller files to buyers', () => {
  it('sends a photo in a linked topic as a file, with the same bytes, and echoes 👍', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_JPEG } });
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    const files = h.market.sentFiles(marketChatId);
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toBe(`photo-${m.message_id}.jpg`);
    expect(files[0]!.contentType).toBe('image/jpeg');
    expect(Buffer.compare(files[0]!.bytes, TINY_JPEG)).toBe(0);
    expect(h.market.partnerTexts(marketChatId)).toEqual([]);
    expect(h.bridge!.relay.findByMessage(chatId, m.message_id)?.state).toBe('delivered');
  });

  it('sends a document with its name and type, then its caption as a message, in that order', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const m = h.tg.userSends({
      chatId,
      threadId,
      from: ADMIN,
      document: { bytes: TINY_PNG, fileName: 'invoice.png', mimeType: 'image/png', caption: 'Here is your invoice' },
    });
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(partnerTimeline(h, marketChatId)).toEqual(['file:invoice.png', 'text:Here is your invoice']);
    const [file] = h.market.sentFiles(marketChatId);
    expect(file?.contentType).toBe('image/png');
    expect(Buffer.compare(file!.bytes, TINY_PNG)).toBe(0);
    // One Telegram message, one ledger row, one echo.
    const row = h.bridge!.relay.findByMessage(chatId, m.message_id);
    expect(row).toMatchObject({ kind: 'file', state: 'delivered', text: 'Here is your invoice', fileName: 'invoice.png' });
    expect(h.tg.botMessages(chatId).filter((b) => b.reply_to_message?.message_id === m.message_id)).toEqual([]);
  });

  it('refuses a document over 5 MB with a clear reply, without downloading it or calling Market', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const before = h.market.requests.length;
    const m = h.tg.userSends({
      chatId,
      threadId,
      from: ADMIN,
      document: { bytes: Buffer.alloc(MAX_FILE_BYTES + 1, 1), fileName: 'catalogue.pdf', mimeType: 'application/pdf' },
    });
    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toContain('Not sent');
    expect(reply.text).toContain('at most 5 MB');
    expect(reply.text).toContain('5.1 MB');
    await h.settled();
    expect(h.market.requests.slice(before)).toEqual([]);
    expect(h.tg.calls.filter((c) => c.method === 'getFile')).toEqual([]);
    expect(h.market.sentFiles(marketChatId)).toEqual([]);
    expect(h.bridge!.relay.findByMessage(chatId, m.message_id)).toMatchObject({
      state: 'refused',
      errorCode: 'FILE_TOO_LARGE',
      kind: 'file',
      fileName: 'catalogue.pdf',
    });
  });

  it('sends a document of exactly 5 MB', async () => {
    h = await Harness.create({ bridge: { marketTimeoutMs: 5000 } });
    const { marketChatId, chatId, threadId } = await linked(h);
    const bytes = Buffer.alloc(MAX_FILE_BYTES, 7);
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, document: { bytes, fileName: 'big.bin' } });
    expect(await h.reacted(chatId, m.message_id, 10_000)).toEqual(['👍']);
    expect(h.market.sentFiles(marketChatId).map((f) => f.size)).toEqual([MAX_FILE_BYTES]);
  });

  it('refuses a file whose caption is over 4096 characters before sending anything', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const before = h.market.requests.length;
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_JPEG, caption: 'a'.repeat(4097) } });
    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toContain('4097');
    expect(reply.text).toContain('not even the file');
    await h.settled();
    expect(h.market.requests.slice(before)).toEqual([]);
    expect(partnerTimeline(h, marketChatId)).toEqual([]);
  });

  it('sends a redelivered photo update only once', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_PNG, caption: 'Packed and ready' } });
    await h.reacted(chatId, m.message_id);
    await h.settled();
    // Telegram delivers an update again when its confirmation was lost (e.g. a crash before the next getUpdates).
    h.tg.injectUpdate({ message: m as UpdateMessage });
    await h.settled();
    expect(h.logs.filter((l) => l.includes('duplicate update: already relayed'))).toHaveLength(1);
    await h.restart();
    h.tg.injectUpdate({ message: m as UpdateMessage });
    await h.settled();
    expect(fileSends(h)).toHaveLength(1);
    expect(partnerTimeline(h, marketChatId)).toEqual([`file:photo-${m.message_id}.jpg`, 'text:Packed and ready']);
    expect(h.tg.botMessages(chatId).filter((b) => b.reply_to_message?.message_id === m.message_id)).toEqual([]);
  });

  it('keeps a photo with a // caption for the team', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const before = h.market.requests.length;
    h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_JPEG, caption: '// damaged box, from the warehouse' } });
    await h.settled();
    expect(h.market.requests.slice(before)).toEqual([]);
    expect(partnerTimeline(h, marketChatId)).toEqual([]);
  });

  it('still refuses stickers, voice messages and GIFs', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await linked(h);
    const before = h.market.requests.length;
    const sticker = h.tg.userSends({ chatId, threadId, from: ADMIN, sticker: true });
    expect((await h.replyTo(chatId, sticker.message_id)).text).toContain('stickers can’t be sent');
    const voice = h.tg.userSends({ chatId, threadId, from: ADMIN, voice: true });
    expect((await h.replyTo(chatId, voice.message_id)).text).toContain('voice messages can’t be sent');
    // A GIF arrives with both `animation` and `document`: it is not a document to send.
    const gif = h.tg.userSends({ chatId, threadId, from: ADMIN, document: { bytes: TINY_PNG, fileName: 'x.gif' } });
    const asGif = { ...gif, message_id: gif.message_id + 1000, animation: { ...gif.document!, width: 1, height: 1, duration: 1 } };
    h.tg.injectUpdate({ message: asGif as UpdateMessage });
    await h.settled();
    const answered = h.tg.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text).includes('GIFs can’t be sent'));
    expect(answered).toHaveLength(1);
    expect(h.market.requests.slice(before).map((r) => r.operationId)).toEqual(['sendFileToChat']); // the real document only
  });

  it('tells the seller when the file went but Market refused its caption, and does not resend the file', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    h.market.failNext('sendMessageToChat', { kind: 'status', status: 400, code: 'BAD_REQUEST', message: 'Message contains a phone number' });
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_JPEG, caption: 'Call me at +7 900 000-00-00' } });
    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toContain('The file was delivered, but its caption was not');
    await h.settled();
    expect(fileSends(h)).toHaveLength(1);
    expect(partnerTimeline(h, marketChatId)).toEqual([`file:photo-${m.message_id}.jpg`]);
    expect(h.bridge!.relay.findByMessage(chatId, m.message_id)?.state).toBe('refused');
  });

  it('reconciles a caption whose answer was lost instead of sending it (or the file) twice', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    // Market stores the caption, then the connection drops before the answer.
    h.market.failNext('sendMessageToChat', { kind: 'reset', afterProcess: true });
    const m = h.tg.userSends({
      chatId,
      threadId,
      from: ADMIN,
      document: { bytes: TINY_PNG, fileName: 'label.png', caption: 'Your return label' },
    });
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(fileSends(h)).toHaveLength(1);
    expect(textSends(h)).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('reconciled with Market history'))).toBe(true);
    expect(partnerTimeline(h, marketChatId)).toEqual(['file:label.png', 'text:Your return label']);
  });

  it('sends a caption again when its lost attempt did not arrive, even if the same text was sent before', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    const first = h.tg.userSends({ chatId, threadId, from: ADMIN, text: 'Thank you!' });
    await h.reacted(chatId, first.message_id);
    // The caption's request dies before Market stores it; the history holds only the earlier "Thank you!".
    h.market.failNext('sendMessageToChat', { kind: 'reset' });
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_JPEG, caption: 'Thank you!' } });
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(fileSends(h)).toHaveLength(1);
    expect(partnerTimeline(h, marketChatId)).toEqual(['text:Thank you!', `file:photo-${m.message_id}.jpg`, 'text:Thank you!']);
  });

  it('says so when the file cannot be fetched from Telegram', async () => {
    h = await Harness.create();
    const { marketChatId, chatId, threadId } = await linked(h);
    h.tg.failNext('getFile', { kind: 'status', code: 400, description: 'Bad Request: invalid file_id' }, 10);
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, photo: { bytes: TINY_JPEG } });
    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toContain('could not download the file from Telegram');
    expect(h.market.sentFiles(marketChatId)).toEqual([]);
  });
});
