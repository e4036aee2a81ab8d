/** MarketChats: /link's chat look-up in the core; refusals come back as results in one error type. */
import { describe, expect, it } from 'vitest';
import { MarketChats, topicTitleOf } from '../../src/bridge/chats.js';
import { MarketError } from '../../src/market/errors.js';
import { QuotaExhausted } from '../../src/market/limits.js';
import type { ChatInfo } from '../../src/market/types.js';

const chat = {
  chatId: 5,
  type: 'CHAT',
  status: 'WAITING_FOR_PARTNER',
  context: { type: 'ORDER', orderId: 77, customer: { name: 'Olga' } },
  createdAt: '2026-01-01T10:00:00+03:00',
  updatedAt: '2026-01-01T10:00:00+03:00',
} as ChatInfo;

describe('MarketChats.lookUp', () => {
  it('answers with the chat Market gave', async () => {
    const asked: number[] = [];
    const chats = new MarketChats({ getChat: async (id) => (asked.push(id), chat) });
    expect(await chats.lookUp(5)).toEqual({ ok: true, chat });
    expect(asked).toEqual([5]);
  });

  it('Market’s refusal is a result; the bridge’s own used-up quota reads as a quota refusal with its time', async () => {
    const notFound = new MarketError('not_found', 'yes', { status: 404, code: 'NOT_FOUND' });
    const r1 = await new MarketChats({ getChat: () => Promise.reject(notFound) }).lookUp(5);
    expect(r1).toEqual({ ok: false, error: notFound });
    const r2 = await new MarketChats({ getChat: () => Promise.reject(new QuotaExhausted('getChat', 1_700_000_000_000)) }).lookUp(5);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect([r2.error.kind, r2.error.retryAt]).toEqual(['quota', 1_700_000_000_000]);
  });

  it('a programming error is not dressed up as Market’s answer', async () => {
    await expect(new MarketChats({ getChat: () => Promise.reject(new TypeError('bug')) }).lookUp(5)).rejects.toThrow('bug');
  });
});

describe('topicTitleOf', () => {
  it('is the sync’s title for the chat without status marks, within Telegram’s 128 characters (UTF-16 units)', () => {
    expect(topicTitleOf(chat)).toBe('Order 77 · Olga');
    for (const pad of ['', 'x']) {
    const long = { ...chat, context: { ...chat.context, customer: { name: pad + '😀'.repeat(200) } } } as ChatInfo;
    const title = topicTitleOf(long);
    expect(title.length).toBeLessThanOrEqual(128); // UTF-16 units, as Telegram counts
    expect(title.endsWith('…')).toBe(true);
    expect(title).toBe(Array.from(title).join('')); // no half of a surrogate pair
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(title)).toBe(false);
    }
  });
});
