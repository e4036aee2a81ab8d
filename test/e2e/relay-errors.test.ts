/**
 * Issue 2, item 5: every documented failure is echoed in the seller's thread, attached to their message, in their
 * words (what happened, what to do) with the HTTP status and Market's error code and message; transient failures
 * are retried a bounded number of times, and anything that may have reached Market is reconciled with the chat
 * history before it is sent again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import type { Fault } from '../fakes/market.js';
import { ADMIN, Harness, OUTSIDER } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


/** The bot's failure reply to `m`: in the same topic, attached to the seller's message. */
async function failureReply(x: Harness, chatId: number, threadId: number, m: Message): Promise<string> {
  const reply = await x.replyTo(chatId, m.message_id, 8000);
  expect(reply.message_thread_id).toBe(threadId);
  expect(reply.reply_to_message?.message_id).toBe(m.message_id);
  expect(reply.text).toMatch(/^❌ Not delivered: /);
  return reply.text!;
}

async function setup() {
  h = await Harness.create();
  return { x: h, ...(await h.linkedTopic()) };
}

const TEXT = 'Your order will arrive on Friday';

describe('Market refuses the message (no retry)', () => {
  it.each<[string, Fault & { kind: 'status' }, string, RegExp, string, string]>([
    [
      '400 (contact details or links)',
      { kind: 'status', status: 400, code: 'BAD_REQUEST', message: 'Message must not contain links or contact details' },
      'Market refused this message.',
      /rephrase it and send again/,
      'HTTP 400 · BAD_REQUEST · Message must not contain links or contact details',
      'refused',
    ],
    [
      '401 (key invalid)',
      { kind: 'status', status: 401, code: 'UNAUTHORIZED', message: 'Api-Key token is invalid' },
      'Market did not accept the bridge’s Api-Key.',
      /check MARKET_API_KEY/,
      'HTTP 401 · UNAUTHORIZED · Api-Key token is invalid',
      'failed',
    ],
    [
      '404 (chat not found)',
      { kind: 'status', status: 404, code: 'NOT_FOUND', message: 'Chat not found' },
      'Market does not know this chat',
      /\/link it again/,
      'HTTP 404 · NOT_FOUND · Chat not found',
      'failed',
    ],
  ])('%s: one attempt, then a reply with what happened, what to do and the details', async (_name, fault, what, todo, tech, state) => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', fault);
    const m = x.says(chatId, threadId, TEXT);

    const text = await failureReply(x, chatId, threadId, m);
    expect(text).toContain(what);
    expect(text).toMatch(todo);
    expect(text.split('\n').at(-1)).toBe(tech);

    await x.settled();
    expect(x.sends()).toHaveLength(1);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
    expect(x.tg.reactions(chatId, m.message_id)).toEqual([]);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({
      state,
      http_status: fault.status,
      error_code: fault.code,
      error_message: fault.message,
    });
  });

  it('403 (the key lacks the communication scope): the seller is told which scope to add', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.scopes = ['ALL_METHODS_READ_ONLY']; // a read-only key: the fake answers 403 itself
    const m = x.says(chatId, threadId, TEXT);

    const text = await failureReply(x, chatId, threadId, m);
    expect(text).toContain('the Api-Key may not write to buyer chats');
    expect(text).toContain('“Customer communication” scope');
    expect(text).toContain('HTTP 403 · FORBIDDEN · Token does not have any of the scopes to access the API method');
    await x.settled();
    expect(x.sends().map((r) => r.status)).toEqual([403]);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'failed', http_status: 403, error_code: 'FORBIDDEN' });
  });
});

describe('rate limit (420)', () => {
  it('says it will be retried, waits until X-RateLimit-Resource-Until, then delivers once: 👍 and the notice is updated', async () => {
    const { x, market, chatId, threadId } = await setup();
    const until = x.rateLimitNextSend(1500);
    const m = x.says(chatId, threadId, TEXT);

    const notice = await x.replyTo(chatId, m.message_id);
    expect(notice.message_thread_id).toBe(threadId);
    expect(notice.text).toMatch(/^⏳ Market asked to slow down \(rate limit\)\. It will be retried automatically in about \d+ s\. 👍 on your message means it went\.$/);

    expect(await x.reacted(chatId, m.message_id, 8000)).toEqual(['👍']);
    const sends = x.sends();
    expect(sends.map((r) => r.status)).toEqual([420, 200]);
    expect(sends[1]!.startedAt).toBeGreaterThanOrEqual(until - 50);
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
    await x.settled();
    expect(x.tg.message(chatId, notice.message_id)?.text).toBe('✓ Sent to the buyer (it had to wait for Market’s limit).');
    expect(x.repliesTo(chatId, m.message_id)).toHaveLength(1); // the notice, edited; no second message
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('a ⏳ note whose message then fails is edited into the ❌: one message says how it ended', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.rateLimitNextSend(1200);
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 404, code: 'NOT_FOUND', message: 'Chat not found' });
    const m = x.says(chatId, threadId, TEXT);
    const notice = await x.replyTo(chatId, m.message_id);
    expect(notice.text).toMatch(/^⏳/);
    await x.until(() => x.relayRow(chatId, m.message_id)?.state === 'failed', 8000, 'the relay to fail');
    await x.settled();
    await x.until(() => x.tg.message(chatId, notice.message_id)?.text?.startsWith('❌'), 5000, 'the note to show the outcome');
    expect(x.tg.message(chatId, notice.message_id)?.text).toContain('Market does not know this chat');
    expect(x.repliesTo(chatId, m.message_id)).toHaveLength(1);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
  });

  it('a burst beyond the hourly quota is queued by the bridge, never sent into a 420; it stays queued across a restart', async () => {
    // Market's quota for sends is 3 here; the bridge learns it from X-RateLimit-Resource-Limit/-Remaining.
    h = await Harness.create({ market: { quotas: { sendMessageToChat: 3 } } });
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    const msgs = ['one', 'two', 'three', 'four', 'five'].map((text) => x.says(chatId, threadId, text));
    for (const m of msgs.slice(0, 3)) expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    const notice = await x.replyTo(chatId, msgs[3]!.message_id);
    expect(notice.text).toMatch(/^⏳ Queued: the shop’s hourly Market limit for messages is used up\. It will be sent automatically/);
    await x.until(() => x.relayRow(chatId, msgs[4]!.message_id)?.not_before !== null, 5000, 'the fifth queued too');

    expect(x.market.partnerTexts(market.chatId)).toEqual(['one', 'two', 'three']);
    expect(x.sends().map((r) => r.status)).toEqual([200, 200, 200]); // no request into a 420
    const window = x.relayRow(chatId, msgs[3]!.message_id);
    expect(window).toMatchObject({ state: 'pending', attempts: 0 });
    expect(window!.not_before!).toBeGreaterThan(Date.now() + 30 * 60_000); // the end of Market's hourly window
    expect(x.relayRow(chatId, msgs[4]!.message_id)).toMatchObject({ state: 'pending' });

    // After a restart the bridge still knows the quota is used up: a new message queues too, without a request.
    await x.restart();
    const sixth = x.says(chatId, threadId, 'six');
    const sixthNotice = await x.replyTo(chatId, sixth.message_id);
    expect(sixthNotice.text).toMatch(/^⏳ Queued/);
    expect(x.sends()).toHaveLength(3);
    expect(x.relayRow(chatId, msgs[3]!.message_id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(x.repliesTo(chatId, msgs[3]!.message_id)).toHaveLength(1); // told once, not again after the restart
  });

  it('a 420 for the 4-parallel-requests rule is retried within seconds, not at the end of the hourly window', async () => {
    const { x, market, chatId, threadId } = await setup();
    const hourAway = new Date(Date.now() + 3_600_000).toUTCString();
    x.market.failNext('sendMessageToChat', {
      kind: 'status',
      status: 420,
      message: `Hit rate limit of 4 parallel requests for businessId ${x.market.businessId}`,
      headers: { 'X-RateLimit-Resource-Until': hourAway },
    });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id, 8000)).toEqual(['👍']);
    const sends = x.sends();
    expect(sends.map((r) => r.status)).toEqual([420, 200]);
    expect(sends[1]!.startedAt - sends[0]!.startedAt).toBeLessThan(5000);
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('the next message after a 420 also goes out once the limit frees up', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.rateLimitNextSend(1500);
    const first = x.says(chatId, threadId, 'first');
    await x.reacted(chatId, first.message_id, 8000);
    const second = x.says(chatId, threadId, 'second');
    expect(await x.reacted(chatId, second.message_id, 3000)).toEqual(['👍']);
    expect(x.market.partnerTexts(market.chatId)).toEqual(['first', 'second']);
  });
});

describe('server errors, timeouts and broken answers (bounded retries, reconciled)', () => {
  it('500 every time: retried a bounded number of times, the history read between attempts, then a failure reply', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500 }, 10);
    const m = x.says(chatId, threadId, TEXT);

    const text = await failureReply(x, chatId, threadId, m);
    expect(text).toContain('Market had an internal error (tried 3 times).');
    expect(text).toContain('Send it again in a few minutes.');
    expect(text.split('\n').at(-1)).toBe('HTTP 500 · INTERNAL_ERROR · Internal server error');

    await x.settled();
    const sends = x.sends();
    expect(sends.length).toBe(3);
    expect(sends.every((r) => r.status === 500)).toBe(true);
    expect(x.sendAndHistory()).toBe('S H S H S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'failed', attempts: 3, http_status: 500 });
  });

  it('503 every time: the same bounded retries and a failure reply with 503', async () => {
    const { x, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 503 }, 10);
    const m = x.says(chatId, threadId, TEXT);
    const text = await failureReply(x, chatId, threadId, m);
    expect(text.split('\n').at(-1)).toBe('HTTP 503 · SERVICE_UNAVAILABLE · Service temporarily unavailable');
    await x.settled();
    expect(x.sends()).toHaveLength(3);
  });

  it('503 once: checked in the history, sent again, 👍, delivered once', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 503 });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(x.sendAndHistory()).toBe('S H S');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('500 after Market stored the message: reconciled as delivered, the buyer has it once, no second send', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500, afterProcess: true });
    const m = x.says(chatId, threadId, TEXT);

    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    await x.settled();
    expect(x.sendAndHistory()).toBe('S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
    expect(x.repliesTo(chatId, m.message_id)).toEqual([]);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it.each([500, 502, 503, 504] as const)(
    'a %i whose message Market stores 1.5 s later: no answer counts as final, the check waits it out, sent once',
    async (status) => {
      // Market's gateway answers at once while its backend is still at work: only after the request timeout plus a
      // margin can the history be trusted to show the message.
      h = await Harness.create({ bridge: { relayPolicy: { reconcileAfterMs: 3000 } } });
      const x = h;
      const { market, chatId, threadId } = await x.linkedTopic();
      x.market.failNext('sendMessageToChat', { kind: 'status', status, processAfterMs: 1500 });
      const m = x.says(chatId, threadId, TEXT);

      expect(await x.reacted(chatId, m.message_id, 10_000)).toEqual(['👍']);
      await x.settled();
      expect(x.sendAndHistory()).toBe('S H');
      expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
      const [send, history] = x.market.requests.filter((r) => r.operationId === 'sendMessageToChat' || r.operationId === 'getChatHistory');
      expect(history!.startedAt - send!.startedAt).toBeGreaterThanOrEqual(3000 - 50);
      expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 1 });
    },
  );

  it('a hang whose message Market stores after the bridge gave up: found by the later check, not sent twice', async () => {
    h = await Harness.create({ bridge: { relayPolicy: { reconcileAfterMs: 2500 } } });
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    // The client's timeout is 400 ms; Market stores it 1 s after the bridge stopped waiting.
    x.market.failNext('sendMessageToChat', { kind: 'hang', processAfterMs: 1000 });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id, 10_000)).toEqual(['👍']);
    await x.settled();
    expect(x.sendAndHistory()).toBe('S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('the same text twice, the second hitting a 500 before Market stored it: the earlier copy does not count, it is sent again', async () => {
    const { x, market, chatId, threadId } = await setup();
    const first = x.says(chatId, threadId, 'Thank you!');
    await x.reacted(chatId, first.message_id);
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
    const second = x.says(chatId, threadId, 'Thank you!');
    expect(await x.reacted(chatId, second.message_id)).toEqual(['👍']);
    expect(x.market.partnerTexts(market.chatId)).toEqual(['Thank you!', 'Thank you!']);
    expect(x.sendAndHistory()).toBe('S S H S');
  });

  it('a hang (no answer in time): reconciled with the history, sent again, delivered once', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'hang' });
    const m = x.says(chatId, threadId, TEXT);

    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    const sends = x.sends();
    expect(sends).toHaveLength(2);
    expect(sends[0]!.fault).toBe('hang');
    expect(sends[0]!.status).toBe(0); // never answered
    expect(x.sendAndHistory()).toBe('S H S');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('no answer in time, every time: bounded attempts, each followed by a history check, then a reply that says so', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'hang' }, 10);
    const m = x.says(chatId, threadId, TEXT);
    const text = await failureReply(x, chatId, threadId, m);
    expect(text).toContain('Market did not answer in time (tried 3 times).');
    expect(text.split('\n').at(-1)).toMatch(/^ECONNABORTED · no answer in time$|^ETIMEDOUT · no answer in time$/);
    await x.settled();
    expect(x.sendAndHistory()).toBe('S H S H S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('a hang after Market stored it: found in the history, not sent again', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'hang', afterProcess: true });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    await x.settled();
    expect(x.sendAndHistory()).toBe('S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('an HTML error page (502 from a proxy) every time: bounded retries, then a reply that names the HTML answer', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'html', status: 502 }, 10);
    const m = x.says(chatId, threadId, TEXT);
    const text = await failureReply(x, chatId, threadId, m);
    expect(text.split('\n').at(-1)).toBe('HTTP 502 · HTML page instead of JSON');
    expect(text).toMatch(/Send it again/);
    await x.settled();
    expect(x.sends()).toHaveLength(3);
    expect(x.sendAndHistory()).toBe('S H S H S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
  });

  it('a 4xx that is not Market JSON (a proxy page): not taken at its word; bounded retries, then "not its usual reply"', async () => {
    const { x, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'raw', status: 403, body: 'Forbidden by proxy', contentType: 'text/plain' }, 10);
    const m = x.says(chatId, threadId, TEXT);
    const text = await failureReply(x, chatId, threadId, m);
    expect(text).toContain('Market answered with something that is not its usual reply (tried 3 times).');
    expect(text.split('\n').at(-1)).toBe('HTTP 403');
    await x.settled();
    expect(x.sends()).toHaveLength(3);
  });

  it('200 with a body that is not JSON: Market acted, so it counts as delivered and is not sent again', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'raw', status: 200, body: 'OK', contentType: 'text/plain', afterProcess: true });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    await x.settled();
    expect(x.sends()).toHaveLength(1);
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('a connection reset once: reconciled, sent again, delivered once', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'reset' });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(x.sendAndHistory()).toBe('S H S');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('connection resets every time: bounded retries, then a reply that says the bridge could not reach Market', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'reset' }, 10);
    const m = x.says(chatId, threadId, TEXT);
    const text = await failureReply(x, chatId, threadId, m);
    expect(text).toContain('the bridge could not connect to Market (tried 3 times).');
    expect(text).toContain('ECONNRESET');
    await x.settled();
    expect(x.sends()).toHaveLength(3);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
  });

  it('the history cannot be read after a 500: the seller is asked, with buttons, instead of a blind resend', async () => {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
    x.market.failNext('getChatHistory', { kind: 'status', status: 403 }, 10);
    const m = x.says(chatId, threadId, TEXT);
    const reply = await x.replyTo(chatId, m.message_id);
    expect(reply.text).toMatch(/^❓ I can’t tell whether the buyer got this message/);
    expect(reply.message_thread_id).toBe(threadId);
    const buttons = (reply.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);
    expect(buttons).toEqual(['Send again', 'Don’t send']);
    await x.settled();
    expect(x.sends()).toHaveLength(1);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
    expect(x.relayRow(chatId, m.message_id)?.state).toBe('uncertain');
  });
});

describe('the seller decides on an unconfirmed message', () => {
  async function unconfirmed() {
    const { x, market, chatId, threadId } = await setup();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
    x.market.failNext('getChatHistory', { kind: 'status', status: 403 });
    const m = x.says(chatId, threadId, TEXT);
    const question = await x.replyTo(chatId, m.message_id);
    await x.settled();
    const [resend, drop] = (question.reply_markup?.inline_keyboard ?? []).flat().map((b) => ('callback_data' in b ? b.callback_data : ''));
    return { x, market, chatId, threadId, m, question, resend: resend!, drop: drop! };
  }

  it('"Send again" sends it once more without another check; 👍; a second press changes nothing', async () => {
    const { x, market, chatId, m, question, resend } = await unconfirmed();
    x.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: resend });
    expect(await x.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
    await x.settled();
    // The question said "Sending again…"; now that the outcome is known it says so (and the 👍 agrees).
    expect(x.tg.message(chatId, question.message_id)?.text).toBe('✓ Sent again: the buyer has it now.');
    expect(x.repliesTo(chatId, m.message_id)).toHaveLength(1);

    x.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: resend, force: true });
    await x.settled();
    expect(x.sends()).toHaveLength(2);
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('"Send again" and Market refuses it this time: the question becomes the ❌, no second message to piece together', async () => {
    const { x, market, chatId, m, question, resend } = await unconfirmed();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 400, code: 'BAD_REQUEST', message: 'Message must not contain links' });
    x.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: resend });
    await x.until(() => x.relayRow(chatId, m.message_id)?.state === 'refused', 5000, 'the resend to be refused');
    await x.settled();
    await x.until(() => x.tg.message(chatId, question.message_id)?.text?.startsWith('❌'), 5000, 'the question to show the outcome');
    expect(x.tg.message(chatId, question.message_id)?.text).toMatch(/^❌ Not delivered: Market refused this message/);
    expect(x.tg.message(chatId, question.message_id)?.reply_markup?.inline_keyboard.flat() ?? []).toEqual([]);
    expect(x.repliesTo(chatId, m.message_id)).toHaveLength(1);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
  });

  it('"Don’t send" leaves it; someone not on the team cannot decide', async () => {
    const { x, market, chatId, m, question, resend, drop } = await unconfirmed();
    x.tg.userPressesButton({ chatId, messageId: question.message_id, from: OUTSIDER, data: resend });
    const refused = await x.tg.waitForCall('answerCallbackQuery');
    expect(String(refused.params.text)).toContain('only the shop’s team');
    await x.settled();
    expect(x.relayRow(chatId, m.message_id)?.state).toBe('uncertain');

    x.tg.userPressesButton({ chatId, messageId: question.message_id, from: ADMIN, data: drop });
    await x.settled();
    expect(x.relayRow(chatId, m.message_id)?.state).toBe('cancelled');
    expect(x.sends()).toHaveLength(1);
    expect(x.market.partnerTexts(market.chatId)).toEqual([]);
  });
});

describe('the history check goes by Market’s message ids, never by comparing clocks', () => {
  it('Market’s clock 10 minutes behind ours: a 500 after Market stored it is still found, not sent twice', async () => {
    // Market dates its messages by its own clock; only its message ids order them against the attempt.
    h = await Harness.create({ market: { now: () => Date.now() - 10 * 60_000 } });
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    x.market.addMessage(market.chatId, { message: 'Where is my order?' });
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500, afterProcess: true });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id, 8000)).toEqual(['👍']);
    await x.settled();
    expect(x.sendAndHistory()).toBe('S H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('Market’s clock 10 minutes ahead: an earlier identical message is not taken for this one, which is sent again', async () => {
    h = await Harness.create({ market: { now: () => Date.now() + 10 * 60_000 } });
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    const first = x.says(chatId, threadId, 'Thank you!');
    expect(await x.reacted(chatId, first.message_id)).toEqual(['👍']);
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
    const second = x.says(chatId, threadId, 'Thank you!');
    expect(await x.reacted(chatId, second.message_id, 8000)).toEqual(['👍']);
    await x.settled();
    expect(x.market.partnerTexts(market.chatId)).toEqual(['Thank you!', 'Thank you!']);
    expect(x.sendAndHistory()).toBe('S S H S');
  });

  it('reads the history from the message after the newest one it knows (messageIdFrom), every page', async () => {
    h = await Harness.create();
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500, afterProcess: true });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id, 8000)).toEqual(['👍']);
    const row = x.relayRow(chatId, m.message_id) as unknown as { history_from_id: number | null };
    const reads = x.requestsOf('getChatHistory');
    // Without the inbound sync the bridge knows no message id of this chat: it reads the whole history.
    expect(row.history_from_id).toBeNull();
    expect(reads.map((r) => r.body)).toEqual([{}]);
  });

  it('pages in no promised order (neither by id nor by date): the message is found on whichever page it is', async () => {
    h = await Harness.create({ market: { historyOrder: 'scrambled' } });
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    for (let i = 0; i < 250; i++) x.market.addMessage(market.chatId, { message: `question ${i}` });
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 503, afterProcess: true });
    const m = x.says(chatId, threadId, TEXT);
    expect(await x.reacted(chatId, m.message_id, 8000)).toEqual(['👍']);
    await x.settled();
    expect(x.sendAndHistory()).toBe('S H H H');
    expect(x.market.partnerTexts(market.chatId)).toEqual([TEXT]);
  });

  it('a history longer than it will read: "cannot tell" (the seller is asked), never "not there" (a resend)', async () => {
    h = await Harness.create();
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    for (let i = 0; i < 5_050; i++) x.market.addMessage(market.chatId, { message: `question ${i}` });
    x.market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
    const m = x.says(chatId, threadId, TEXT);
    const reply = await x.replyTo(chatId, m.message_id, 20_000);
    expect(reply.text).toMatch(/^❓ I can’t tell whether the buyer got this message/);
    await x.settled();
    expect(x.sends()).toHaveLength(1);
    expect(x.relayRow(chatId, m.message_id)?.state).toBe('uncertain');
  }, 30_000);
});
