/**
 * Issue 7, item 6: the seller sees each ❌/❓ once. An outcome Telegram refused is shown again later (a sweep, or the
 * next start), but never twice silently: a sweep looks again before it posts, and a post Telegram may have taken
 * without confirming it (a 5xx, a dropped connection) is neither repeated by auto-retry nor posted again unmarked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const NOT_FOUND = { kind: 'status', status: 404, code: 'NOT_FOUND', message: 'Chat not found' } as const;

/** The bot's sendMessage calls whose text says a relay was not delivered. */
function failureCalls(x: Harness) {
  return x.tg.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text).includes('❌ Not delivered'));
}

describe('echo of a failure', () => {
  it('Telegram answers 502 to the ❌: not repeated by auto-retry; shown again after the restart, marked as a possible repeat', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', NOT_FOUND);
    h.tg.failNext('sendMessage', { kind: 'status', code: 502 });
    const m = h.says(chatId, threadId, 'Hello');
    await h.until(() => h!.relayRow(chatId, m.message_id)?.state === 'failed', 5000, 'the relay to fail');
    await h.settled();
    // auto-retry would have sent it again 3 s after the 502; give it the time to show that it does not.
    await new Promise((r) => setTimeout(r, 3500));
    expect(failureCalls(h).map((c) => c.errorCode ?? 200)).toEqual([502]);
    expect(h.relayRow(chatId, m.message_id)).toMatchObject({ echoed_at: null });

    await h.restart();
    const shown = await h.replyTo(chatId, m.message_id);
    expect(shown.text).toMatch(/^↻ Possibly shown twice: Telegram did not confirm the first post of this reply\.\n❌ Not delivered: /);
    await h.settled();
    expect(failureCalls(h)).toHaveLength(2);
    expect(h.relayRow(chatId, m.message_id)?.echoed_at).not.toBeNull();
  });

  it('Telegram took the ❌ but its answer was lost: the next start marks the second post as a possible repeat', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', NOT_FOUND);
    h.tg.failNext('sendMessage', { kind: 'dropAnswer' });
    const m = h.says(chatId, threadId, 'Hello');
    await h.until(() => h!.relayRow(chatId, m.message_id)?.state === 'failed', 5000, 'the relay to fail');
    await h.settled();
    expect(h.repliesTo(chatId, m.message_id).map((r) => r.text?.split(':')[0])).toEqual(['❌ Not delivered']);

    await h.restart();
    await h.until(() => h!.repliesTo(chatId, m.message_id).length === 2, 5000, 'the repeat');
    await h.settled();
    const texts = h.repliesTo(chatId, m.message_id).map((r) => r.text ?? '');
    expect(texts[1]).toMatch(/^↻ Possibly shown twice/);
    await h.restart();
    await h.settled();
    expect(h.repliesTo(chatId, m.message_id)).toHaveLength(2);
  });

  it('overlapping sweeps while Telegram makes the bot wait: each ❌ is posted once', async () => {
    h = await Harness.create({ bridge: { relayPolicy: { echoSweepMs: 200 } } });
    const { chatId, threadId } = await h.linkedTopic();
    // Two failures whose ❌ Telegram refuses at first (400); then one sweep is held up 2 s by a 429 on the first,
    // while later sweeps (every 200 ms) list the second again.
    h.market.failNext('sendMessageToChat', NOT_FOUND, 2);
    h.tg.failNext('sendMessage', { kind: 'status', code: 400, description: 'Bad Request: temporarily refused' }, 2);
    h.tg.failNext('sendMessage', { kind: 'status', code: 429, retryAfter: 2 });
    const first = h.says(chatId, threadId, 'first');
    const second = h.says(chatId, threadId, 'second');
    await h.until(
      () => [first, second].every((m) => h!.relayRow(chatId, m.message_id)?.echoed_at),
      10_000,
      'both outcomes to be shown',
    );
    await new Promise((r) => setTimeout(r, 1000));
    await h.settled();
    expect(h.repliesTo(chatId, first.message_id)).toHaveLength(1);
    expect(h.repliesTo(chatId, second.message_id)).toHaveLength(1);
  });
});
