/**
 * Market's 420 as the bridge tells its causes apart (docs concepts/error-codes#420): the documented
 * parallel-requests answer and the resource answer are covered in relay-errors.test.ts; here a 420 Market does not
 * explain, with X-RateLimit-Resource-Until an hour away, holds a seller's reply only briefly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a 420 that is neither documented answer', () => {
  it('is waited out briefly and the reply goes out once, long before the hourly window in Until ends', async () => {
    h = await Harness.create();
    const x = h;
    const { market, chatId, threadId } = await x.linkedTopic();
    const hourAway = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
    x.market.failNext('sendMessageToChat', {
      kind: 'status',
      status: 420,
      // The spec's description of the 420 response, not one of the documented messages; the window is not used up.
      message: 'Превышено ограничение на доступ к ресурсу.',
      headers: { 'X-RateLimit-Resource-Until': new Date(hourAway).toUTCString(), 'X-RateLimit-Resource-Remaining': '900' },
    });
    const m = x.says(chatId, threadId, 'Your parcel ships today');
    expect(await x.reacted(chatId, m.message_id, 18_000)).toEqual(['👍']);
    const sends = x.sends();
    expect(sends.map((r) => r.status)).toEqual([420, 200]);
    expect(sends[1]!.startedAt).toBeLessThan(hourAway - 50 * 60_000);
    expect(x.market.partnerTexts(market.chatId)).toEqual(['Your parcel ships today']);
    expect(x.relayRow(chatId, m.message_id)).toMatchObject({ state: 'delivered' });
  }, 25_000);
});
