/**
 * Issue 2, "What must never happen": a message relayed twice, by someone who may not, or that the seller did not
 * mean to send (edits, non-text, empty, too long, internal notes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { User } from 'grammy/types';
import { ADMIN, Harness, OUTSIDER, TEAMMATE, cmd0 } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A member of the team's group who is not on TELEGRAM_ADMIN_IDS. */
const HELPER: User = { id: 113, is_bot: false, first_name: 'Vera' };

describe('who may relay', () => {
  it('an outsider’s /link and /unlink in a linked topic get a refusal; the link stays', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const other = h.market.addChat();

    const link = h.tg.userSends({ chatId, threadId, from: OUTSIDER, text: `/link ${other.chatId}`, entities: [cmd0('/link')] });
    const a1 = await h.answerAfter(chatId, link.message_id, threadId);
    expect(a1.text).toContain('only the shop’s team can use this command');
    const unlink = h.tg.userSends({ chatId, threadId, from: OUTSIDER, text: '/unlink', entities: [cmd0('/unlink')] });
    const a2 = await h.answerAfter(chatId, unlink.message_id, threadId);
    expect(a2.text).toContain('only the shop’s team can use this command');

    await h.settled();
    expect(h.requestsOf('getChat')).toHaveLength(1); // the admin's link only
    expect(h.rows('SELECT tg_thread_id, market_chat_id FROM threads')).toEqual([{ tg_thread_id: threadId, market_chat_id: market.chatId }]);
  });

  it('an outsider flooding a linked topic is throttled: a few refusals, then silence; nothing reaches Market', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const botMessagesBefore = h.tg.botMessages(chatId).length;
    for (let i = 0; i < 20; i++) {
      h.tg.userSends({ chatId, threadId, from: OUTSIDER, text: `/link ${market.chatId}`, entities: [cmd0('/link')] });
      h.tg.userSends({ chatId, threadId, from: OUTSIDER, text: `buy now ${i}` });
    }
    await h.settled();
    const answers = h.tg.botMessages(chatId).length - botMessagesBefore;
    expect(answers).toBeGreaterThan(0);
    expect(answers).toBeLessThanOrEqual(5); // the ratelimiter lets 5 updates a minute through per outsider
    expect(h.logs.join('')).toContain('throttled an outsider');
    expect(h.requestsOf('getChat')).toHaveLength(1); // the admin's link only
    expect(h.sends()).toHaveLength(0);
  });

  it('a team member not on TELEGRAM_ADMIN_IDS: messages in a linked topic are never relayed; one notice, not one per message', async () => {
    h = await Harness.create();
    const { market, chatId, threadId, card } = await h.linkedTopic();
    h.tg.addMember(chatId, HELPER);

    const m1 = h.says(chatId, threadId, 'I can answer this one', HELPER);
    const m2 = h.says(chatId, threadId, 'Hello buyer!', HELPER);
    const m3 = h.says(chatId, threadId, 'reply to the card', HELPER, card.message_id);
    await h.settled();

    expect(h.sends()).toEqual([]);
    expect(h.market.partnerTexts(market.chatId)).toEqual([]);
    const notices = h.tg.botMessages(chatId).filter((m) => m.text?.startsWith('Not sent to the buyer: only the shop’s team'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(String(HELPER.id));
    expect(notices[0]!.reply_to_message?.message_id).toBe(m1.message_id);
    for (const m of [m1, m2, m3]) {
      expect(h.relayRow(chatId, m.message_id)).toBeUndefined();
      expect(h.tg.reactions(chatId, m.message_id)).toEqual([]);
    }
  });

  it('an anonymous group admin (sent as the group): never relayed, told plainly to turn anonymity off, never told to add 1087968824', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const m1 = h.tg.userSends({ chatId, threadId, from: ADMIN, asGroup: true, text: 'Hello from the shop' });
    const m2 = h.tg.userSends({ chatId, threadId, from: ADMIN, asGroup: true, text: 'second' });
    const notice = await h.replyTo(chatId, m1.message_id);
    await h.settled();
    expect(notice.text).toContain('anonymous');
    expect(notice.text).toContain('cannot be identified');
    expect(notice.text).toContain('Remain anonymous');
    expect(notice.text).not.toContain('1087968824');
    expect(notice.text).not.toContain('TELEGRAM_ADMIN_IDS');
    expect(h.repliesTo(chatId, m2.message_id)).toEqual([]); // told once
    expect(h.sends()).toEqual([]);
    expect(h.market.partnerTexts(market.chatId)).toEqual([]);
    expect(h.relayRow(chatId, m1.message_id)).toBeUndefined();

    // Their /link is refused with the same explanation.
    const cmd = h.tg.userSends({ chatId, threadId, from: ADMIN, asGroup: true, text: '/link 42', entities: [cmd0('/link')] });
    const refusal = await h.replyTo(chatId, cmd.message_id);
    expect(refusal.text).toContain('anonymous');
    expect(refusal.text).not.toContain('1087968824');
  });

  it('the second admin on TELEGRAM_ADMIN_IDS is relayed like the first', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, 'from Boris', TEAMMATE);
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['from Boris']);
  });

  it('a group the bot has no business in is ignored: no answer at all, nothing asked of Market', async () => {
    h = await Harness.create();
    const market = h.market.addChat();
    const stranger = h.tg.addGroup({ title: 'Somebody else’s group', forum: true });
    const topic = h.tg.createTopic(stranger.id, 'Chat').message_thread_id;

    h.tg.userSends({ chatId: stranger.id, threadId: topic, from: OUTSIDER, text: `/link ${market.chatId}`, entities: [cmd0('/link')] });
    h.tg.userSends({ chatId: stranger.id, threadId: topic, from: OUTSIDER, text: '/status', entities: [cmd0('/status')] });
    h.tg.userSends({ chatId: stranger.id, threadId: topic, from: OUTSIDER, text: '/help', entities: [cmd0('/help')] });
    h.says(stranger.id, topic, 'hello bot', OUTSIDER);
    await h.settled();

    expect(h.tg.botMessages(stranger.id)).toEqual([]);
    expect(h.tg.calls.filter((c) => c.params.chat_id === stranger.id)).toEqual([]);
    expect(h.requestsOf('getChat')).toEqual([]);
    expect(h.rows('SELECT * FROM threads')).toEqual([]);
  });

  it('in a private chat, an outsider’s command gets a refusal and a plain message gets nothing', async () => {
    h = await Harness.create();
    const market = h.market.addChat();
    const cmd = h.tg.userSends({ chatId: OUTSIDER.id, from: OUTSIDER, text: `/link ${market.chatId}`, entities: [cmd0('/link')] });
    const refusal = await h.answerAfter(OUTSIDER.id, cmd.message_id);
    expect(refusal.text).toContain('only the shop’s team can use this command');
    const plain = h.says(OUTSIDER.id, undefined, 'hello?', OUTSIDER);
    await h.settled();
    expect(h.tg.botMessages(OUTSIDER.id)).toHaveLength(1);
    expect(h.relayRow(OUTSIDER.id, plain.message_id)).toBeUndefined();
    expect(h.requestsOf('getChat')).toEqual([]);
  });
});

describe('never twice', () => {
  it('a redelivered update (same message twice) is sent once, also when it comes back after delivery', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, 'Only once, please');
    h.redeliver(m); // the same message again, as after a crash before the offset moved
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.tg.allUpdates().filter((u) => u.message?.message_id === m.message_id)).toHaveLength(2);

    h.redeliver(m);
    await h.settled();
    expect(h.sends()).toHaveLength(1);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Only once, please']);
    expect(h.rows('SELECT id FROM relays')).toHaveLength(1);
    expect(h.logs.join('')).toContain('duplicate update: already relayed');
  });

  it('a redelivered sticker gets one answer', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await h.linkedTopic();
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, sticker: true });
    h.redeliver(m);
    await h.replyTo(chatId, m.message_id);
    await h.settled();
    expect(h.repliesTo(chatId, m.message_id)).toHaveLength(1);
  });
});

describe('only what the seller meant to send', () => {
  it('an edited message is not relayed; the seller is told once, even after two edits', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, 'Delivery on Monday');
    await h.reacted(chatId, m.message_id);

    h.tg.userEdits({ chatId, messageId: m.message_id, text: 'Delivery on Tuesday' });
    const notice = await h.replyTo(chatId, m.message_id);
    expect(notice.text).toContain('Your edit was not sent');
    expect(notice.message_thread_id).toBe(threadId);
    h.tg.userEdits({ chatId, messageId: m.message_id, text: 'Delivery on Wednesday' });
    await h.settled();

    expect(h.repliesTo(chatId, m.message_id)).toHaveLength(1);
    expect(h.sends()).toHaveLength(1);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Delivery on Monday']);
  });

  it.each([
    ['sticker', { sticker: true }, 'stickers'],
    ['voice message', { voice: true }, 'voice messages'],
    ['video note', { videoNote: true }, 'video notes'],
  ] as const)('a %s gets a clear "not supported yet" reply in the thread and nothing is sent', async (_name, content, what) => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.tg.userSends({ chatId, threadId, from: ADMIN, ...content });
    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toMatch(new RegExp(`^Not sent: ${what} can’t be sent to Market buyers yet\\.`));
    expect(reply.message_thread_id).toBe(threadId);
    await h.settled();
    expect(h.sends()).toEqual([]);
    expect(h.market.partnerTexts(market.chatId)).toEqual([]);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'refused', error_code: 'UNSUPPORTED' });
  });

  it.each([
    ['spaces', '   '],
    ['line breaks and tabs', '\n\t \n'],
    ['no-break and ideographic spaces', '\u00a0\u3000\u2003'],
  ])('whitespace-only text (%s) is refused as empty; nothing is sent', async (_name, text) => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, text);
    const reply = await h.replyTo(chatId, m.message_id);
    expect(reply.text).toBe('Not sent: the message is empty.');
    await h.settled();
    expect(h.sends()).toEqual([]);
    expect(h.market.partnerTexts(market.chatId)).toEqual([]);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'refused', error_code: 'EMPTY' });
  });

  it('4096 characters are sent whole; 4097 are refused before any request', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const max = 'я'.repeat(4000) + 'x'.repeat(96);
    const ok = h.says(chatId, threadId, max);
    expect(await h.reacted(chatId, ok.message_id)).toEqual(['👍']);
    expect((h.sends()[0]!.body as { message: string }).message).toBe(max);

    const long = h.says(chatId, threadId, `${max}!`);
    const reply = await h.replyTo(chatId, long.message_id);
    expect(reply.text).toBe(
      'Not sent: Market accepts at most 4096 characters per message and this one has 4097. Split it into shorter messages.',
    );
    await h.settled();
    expect(h.sends()).toHaveLength(1);
    expect(h.market.partnerTexts(market.chatId)).toEqual([max]);
    expect(h.relayRow(chatId, long.message_id)).toMatchObject({ state: 'refused', error_code: 'TOO_LONG' });
  });

  it('at the boundary, characters outside the BMP count twice (as in Telegram): 2048 emoji are sent, one more character is not', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const emoji = '😀'.repeat(2048);
    const ok = h.says(chatId, threadId, emoji);
    expect(await h.reacted(chatId, ok.message_id)).toEqual(['👍']);
    const long = h.says(chatId, threadId, `${emoji}a`);
    expect((await h.replyTo(chatId, long.message_id)).text).toContain('this one has 4097');
    await h.settled();
    expect(h.market.partnerTexts(market.chatId)).toEqual([emoji]);
  });

  it('a message starting with // is a team note: never relayed, no reply, no reaction', async () => {
    h = await Harness.create();
    const { market, chatId, threadId, card } = await h.linkedTopic();
    const notes = [
      h.says(chatId, threadId, '// check stock before answering'),
      h.says(chatId, threadId, '  //indented note'),
      h.says(chatId, threadId, '// note as a reply to the card', ADMIN, card.message_id),
    ];
    const after = h.says(chatId, threadId, 'The real answer');
    expect(await h.reacted(chatId, after.message_id)).toEqual(['👍']);
    await h.settled();

    expect(h.market.partnerTexts(market.chatId)).toEqual(['The real answer']);
    for (const n of notes) {
      expect(h.repliesTo(chatId, n.message_id)).toEqual([]);
      expect(h.tg.reactions(chatId, n.message_id)).toEqual([]);
      expect(h.relayRow(chatId, n.message_id)).toBeUndefined();
    }
  });

  it('a // note in a private chat gets no reply hint either', async () => {
    h = await Harness.create();
    const m = h.says(ADMIN.id, undefined, '// reminder to self');
    await h.settled();
    expect(h.repliesTo(ADMIN.id, m.message_id)).toEqual([]);
    expect(h.tg.botMessages(ADMIN.id)).toEqual([]);
  });
});
