/**
 * Issue 2: "a restart does not send again". The bridge is stopped (harness restart(): the same stop() that SIGTERM
 * runs, then startBridge again on the same SQLite file) while a relay is on the wire or waiting; after the start the
 * ledger is picked up, anything that may have reached Market is looked up in the chat history first, and every
 * message reaches the buyer exactly once, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


// A request timeout shorter than the shutdown grace: stop() lets the hung request end, and the row stays `sending`.
const OPTIONS = { bridge: { marketTimeoutMs: 1500, shutdownGraceMs: 4000 } };

describe('restart', () => {
  it('stopped while the send hangs (Market never got it): reconciled with the history after the start, delivered once', async () => {
    h = await Harness.create(OPTIONS);
    const { market, chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', { kind: 'hang' });
    const m = h.says(chatId, threadId, 'Sent just before the restart');
    await h.market.waitForRequest((r) => r.operationId === 'sendMessageToChat' && r.fault === 'hang');
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'sending', attempts: 1 });

    await h.stop();
    expect(h.relayRow(chatId, m.message_id)?.state).toBe('sending'); // recorded as possibly sent
    expect(h.market.partnerTexts(market.chatId)).toEqual([]);
    await h.start();

    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.sendAndHistory()).toBe('S H S');
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Sent just before the restart']);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('stopped while the send hangs after Market stored it: found in the history after the start, not sent again', async () => {
    h = await Harness.create(OPTIONS);
    const { market, chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', { kind: 'hang', afterProcess: true });
    const m = h.says(chatId, threadId, 'Market got this one');
    await h.market.waitForRequest((r) => r.operationId === 'sendMessageToChat' && r.fault === 'hang+afterProcess');

    await h.restart();

    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.sendAndHistory()).toBe('S H');
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Market got this one']);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('stopped while messages wait for a 420 to pass: after the start they go out after the wait, in order, once each', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const until = h.rateLimitNextSend(1500);
    const first = h.says(chatId, threadId, 'first');
    const notice = await h.replyTo(chatId, first.message_id);
    const second = h.says(chatId, threadId, 'second');
    await h.until(() => h!.relayRow(chatId, second.message_id), 5000, 'the second message to be recorded');

    await h.stop();
    expect(h.relayRow(chatId, first.message_id)).toMatchObject({ state: 'pending', not_before: until });
    expect(h.relayRow(chatId, second.message_id)?.state).toBe('pending');
    await h.start();

    expect(await h.reacted(chatId, second.message_id, 8000)).toEqual(['👍']);
    expect(h.tg.reactions(chatId, first.message_id)).toEqual(['👍']);
    const sends = h.sends();
    expect(sends.map((r) => (r.body as { message: string }).message)).toEqual(['first', 'first', 'second']);
    expect(sends[1]!.startedAt).toBeGreaterThanOrEqual(until - 50);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['first', 'second']);
    await h.settled();
    expect(h.tg.message(chatId, notice.message_id)?.text).toBe('✓ Sent to the buyer (it had to wait for Market’s limit).');
  });

  it('messages that were recorded but not yet sent when the bridge stopped are sent after the start, in order', async () => {
    h = await Harness.create(OPTIONS);
    const { market, chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', { kind: 'hang' });
    const texts = ['a', 'b', 'c'];
    const msgs = texts.map((t) => h!.says(chatId, threadId, t));
    await h.until(() => msgs.every((m) => h!.relayRow(chatId, m.message_id)), 5000, 'all three to be recorded');

    await h.restart();

    for (const m of msgs) expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(texts);
    expect(h.rows('SELECT state FROM relays ORDER BY id')).toEqual(texts.map(() => ({ state: 'delivered' })));
  });

  it('delivered while Telegram refused the echo: the next start shows the 👍, and only once', async () => {
    h = await Harness.create(OPTIONS);
    const { market, chatId, threadId } = await h.linkedTopic();
    // Both the reaction and its fallback reply are refused (400s are not retried by auto-retry).
    h.tg.failNext('setMessageReaction', { kind: 'status', code: 400, description: 'Bad Request: temporarily refused' });
    h.tg.failNext('sendMessage', { kind: 'status', code: 400, description: 'Bad Request: temporarily refused' });
    const m = h.says(chatId, threadId, 'Delivered, echo lost');
    await h.tg.waitForCall('sendMessage', (c) => !c.ok);
    await h.settled();
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Delivered, echo lost']);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', echoed_at: null });
    expect(h.tg.reactions(chatId, m.message_id)).toEqual([]);

    await h.restart();
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.relayRow(chatId, m.message_id)?.echoed_at).not.toBeNull();
    const reactionsBefore = h.tg.calls.filter((c) => c.method === 'setMessageReaction').length;

    await h.restart();
    await h.settled();
    expect(h.tg.calls.filter((c) => c.method === 'setMessageReaction')).toHaveLength(reactionsBefore);
    expect(h.sends(market.chatId)).toHaveLength(1);
  });

  it('stopped while the history check after a 500 is on the wire: no "Send again?" question; checked at the next start', async () => {
    h = await Harness.create(OPTIONS);
    const { market, chatId, threadId } = await h.linkedTopic();
    const otherChat = h.market.addChat({ customerName: 'Olga' });
    const other = { chatId, threadId: h.tg.createTopic(chatId, 'Another order').message_thread_id };
    await h.linkTopic(other.chatId, other.threadId, otherChat.chatId);
    h.market.failNext('sendMessageToChat', { kind: 'status', status: 500, afterProcess: true });
    // The check hangs until the bridge's request timeout (1.5 s), which ends inside the shutdown grace (4 s)...
    h.market.failNext('getChatHistory', { kind: 'hang' });
    const m = h.says(chatId, threadId, 'Checked across a deploy');
    await h.market.waitForRequest((r) => r.operationId === 'getChatHistory' && r.fault === 'hang');
    // ...while another chat's send, on the wire a little longer, keeps the grace period running.
    h.market.failNext('sendMessageToChat', { kind: 'hang' });
    h.says(other.chatId, other.threadId, 'Hung at the deploy');
    await h.market.waitForRequest((r) => r.operationId === 'sendMessageToChat' && r.fault === 'hang');

    await h.stop();
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(h.repliesTo(chatId, m.message_id)).toEqual([]);
    await h.start();

    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.sendAndHistory().replace(/ /g, '')).toMatch(/^SHSHH?S?$/); // the other chat's send and check interleave
    expect(h.sends(market.chatId)).toHaveLength(1);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Checked across a deploy']);
    expect(h.repliesTo(chatId, m.message_id)).toEqual([]);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('stop() is bounded: with a send hung at Market it returns within the request timeout plus the grace', async () => {
    // marketTimeoutMs 1500 and shutdownGraceMs 4000: stop() may wait for the hung request, never longer than that.
    h = await Harness.create(OPTIONS);
    const { chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', { kind: 'hang' });
    const m = h.says(chatId, threadId, 'hung at shutdown');
    await h.market.waitForRequest((r) => r.operationId === 'sendMessageToChat' && r.fault === 'hang');
    const started = Date.now();
    await h.stop();
    const took = Date.now() - started;
    expect(took).toBeLessThan(1500 + 4000 + 1000);
    // Nothing half-written: the row says the attempt may have reached Market, for the next start to check.
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ state: 'sending', attempts: 1 });
  });
});
