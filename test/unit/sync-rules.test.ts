import { describe, expect, it } from 'vitest';
import type { MarketChatRow } from '../../src/db/inbound.js';
import { confirmUpdatedAt, decide, disputeEvent, fullScanAllowed, newMessages, nextScanDelay } from '../../src/bridge/sync-rules.js';
import type { ChatInfo, ChatMessage } from '../../src/market/types.js';

const NOW = Date.parse('2026-07-01T12:00:00Z');
const HOUR = 3_600_000;

function listed(updatedAt: string, status = 'NEW'): ChatInfo {
  return { chatId: 1, type: 'CHAT', status, createdAt: updatedAt, updatedAt, context: { type: 'ORDER', orderId: 5 } };
}

function stored(p: Partial<MarketChatRow>): MarketChatRow {
  return {
    businessId: 777, marketChatId: 1, type: 'CHAT', status: 'NEW', contextType: 'ORDER', orderId: 5, returnId: null, customerName: null,
    marketCreatedAt: null, marketUpdatedAt: null, lastMessageId: null, shownFrom: null, skippedMessages: 0,
    topicTitle: null, topicClosed: false, cardMessageId: null, shownStatus: null, dispute: null, createdAt: 0, updatedAt: 0,
    marketUpdatedRecheckAfter: null, historyResume: null,
    ...p,
  };
}

const msg = (messageId: number, createdAt: string, message = `m${messageId}`): ChatMessage => ({
  messageId,
  createdAt,
  sender: 'CUSTOMER',
  message,
  payload: undefined,
});

describe('decide', () => {
  const p = { firstStart: false, now: NOW, backfillMs: 24 * HOUR };
  it('syncs a chat never seen, except a quiet one on the first start', () => {
    expect(decide(listed('2026-06-01T10:00:00+03:00'), undefined, p)).toBe('sync');
    expect(decide(listed('2026-06-01T10:00:00+03:00'), undefined, { ...p, firstStart: true })).toBe('remember');
    expect(decide(listed('2026-07-01T14:00:00+03:00'), undefined, { ...p, firstStart: true })).toBe('sync');
  });
  it('compares updatedAt as an instant, whatever the offset', () => {
    const at = Date.parse('2026-07-01T09:00:00Z');
    expect(decide(listed('2026-07-01T12:00:00+03:00'), stored({ marketUpdatedAt: at }), p)).toBe('none');
    expect(decide(listed('2026-07-01T12:00:00.001+03:00'), stored({ marketUpdatedAt: at }), p)).toBe('sync');
    expect(decide(listed('2026-07-01T12:00:00+03:00', 'FINISHED'), stored({ marketUpdatedAt: at }), p)).toBe('sync');
    expect(decide(listed('not a date'), stored({ marketUpdatedAt: at }), p)).toBe('sync');
  });
});

describe('an unchanged updatedAt (whole seconds)', () => {
  const p = { firstStart: false, now: NOW, backfillMs: 24 * HOUR };
  const at = Date.parse('2026-07-01T09:00:00Z');
  it('is read again until a read has confirmed it, and a cut-short history is always continued', () => {
    expect(decide(listed('2026-07-01T12:00:00+03:00'), stored({ marketUpdatedAt: at, marketUpdatedRecheckAfter: NOW }), p)).toBe('sync');
    expect(decide(listed('2026-07-01T12:00:00+03:00'), stored({ marketUpdatedAt: at, historyResume: { pageToken: 'x', maxId: 9 } }), p)).toBe('sync');
    expect(decide(listed('2026-07-01T12:00:00+03:00'), stored({ marketUpdatedAt: at }), p)).toBe('none');
  });
  it('is confirmed only by a complete read started a second after the listing that first showed it', () => {
    const first = confirmUpdatedAt({ stored: stored({ marketUpdatedAt: at - 5000 }), listed: { updatedAt: at, at: NOW }, readStartedAt: NOW + 10, complete: true });
    expect(first).toEqual({ marketUpdatedAt: at, recheckAfter: NOW + 1000 });
    const again = { stored: stored({ marketUpdatedAt: at, marketUpdatedRecheckAfter: NOW + 1000 }), listed: { updatedAt: at, at: NOW + 1500 } };
    expect(confirmUpdatedAt({ ...again, readStartedAt: NOW + 900, complete: true }).recheckAfter).toBe(NOW + 1000);
    expect(confirmUpdatedAt({ ...again, readStartedAt: NOW + 1600, complete: false }).recheckAfter).toBe(NOW + 1000);
    expect(confirmUpdatedAt({ ...again, readStartedAt: NOW + 1600, complete: true }).recheckAfter).toBeNull();
    // The push path (no listing) keeps the cursor, but its read confirms too.
    expect(confirmUpdatedAt({ stored: again.stored, listed: undefined, readStartedAt: NOW + 2000, complete: true })).toEqual({
      marketUpdatedAt: undefined,
      recheckAfter: null,
    });
  });
});

describe('newMessages', () => {
  it('keeps only messages after the cursor, once each, oldest first, whatever the page order', () => {
    const read = [msg(7, '2026-07-01T10:00:03Z'), msg(5, '2026-07-01T10:00:01Z'), msg(6, '2026-07-01T10:00:02Z'), msg(7, '2026-07-01T10:00:03Z')];
    const r = newMessages(read, { lastMessageId: 5, shownFrom: null });
    expect(r.messages.map((m) => m.marketMessageId)).toEqual([6, 7]);
    expect(r.lastMessageId).toBe(7);
    expect(r.skipped).toBe(0);
  });
  it('counts messages older than shownFrom instead of recording them, but moves the cursor past them', () => {
    const r = newMessages([msg(1, '2026-06-01T00:00:00Z'), msg(2, '2026-07-01T11:00:00Z')], {
      lastMessageId: null,
      shownFrom: NOW - HOUR * 2,
    });
    expect(r.messages.map((m) => m.text)).toEqual(['m2']);
    expect(r.skipped).toBe(1);
    expect(r.lastMessageId).toBe(2);
  });
  it('keeps files and leaves an empty page alone', () => {
    const file = { name: 'a.jpg', url: 'https://x/a.jpg', size: 10 };
    const withFile: ChatMessage = { messageId: 3, createdAt: '2026-07-01T10:00:00Z', sender: 'CUSTOMER', payload: [file] };
    const [recorded] = newMessages([withFile], { lastMessageId: null, shownFrom: null }).messages;
    expect(recorded).toMatchObject({ text: null, files: [file] });
    const none = newMessages([], { lastMessageId: 4, shownFrom: null });
    expect(none).toEqual({ messages: [], skipped: 0, lastMessageId: undefined });
  });
});

describe('disputeEvent', () => {
  it('follows notifications, then status moves into and out of WAITING_FOR_ARBITER', () => {
    expect(disputeEvent(new Set(['arbitrage_started']), 'NEW', 'NEW')).toBe('opened');
    expect(disputeEvent(new Set(['CHAT_ARBITRAGE_FINISHED']), 'NEW', 'NEW')).toBe('finished');
    expect(disputeEvent(new Set(['scan']), 'WAITING_FOR_PARTNER', 'WAITING_FOR_ARBITER')).toBe('opened');
    expect(disputeEvent(new Set(['scan']), 'WAITING_FOR_ARBITER', 'FINISHED')).toBe('finished');
    expect(disputeEvent(new Set(['scan']), 'WAITING_FOR_ARBITER', 'WAITING_FOR_ARBITER')).toBeUndefined();
  });
});

describe('nextScanDelay', () => {
  const base = { intervalMs: 60_000, reserve: 1000, blockedUntil: undefined, now: NOW };
  it('keeps the interval while the budget lasts the hour', () => {
    expect(nextScanDelay({ ...base, pagesPerScan: 5, remaining: 5000 })).toBe(60_000);
  });
  it('stretches it when pages per scan would use up the budget (a 10,000-chat full scan)', () => {
    expect(nextScanDelay({ ...base, pagesPerScan: 500, remaining: 5000 })).toBe(450_000);
    expect(nextScanDelay({ ...base, pagesPerScan: 500, remaining: 1500 })).toBe(3_600_000);
  });
  it('waits for Market when getChats is blocked, and long when only the reserve is left', () => {
    expect(nextScanDelay({ ...base, pagesPerScan: 1, remaining: 5000, blockedUntil: NOW + 600_000 })).toBe(600_000);
    expect(nextScanDelay({ ...base, pagesPerScan: 1, remaining: 900 })).toBe(900_000);
  });
});

describe('fullScanAllowed', () => {
  const base = { everyMs: 15 * 60_000, now: NOW, fullPages: 500, reserve: 1000 };
  it('runs first, then when due and affordable', () => {
    expect(fullScanAllowed({ ...base, lastFullAt: undefined, remaining: 0 })).toBe(true);
    expect(fullScanAllowed({ ...base, lastFullAt: NOW - 60_000, remaining: 5000 })).toBe(false);
    expect(fullScanAllowed({ ...base, lastFullAt: NOW - 16 * 60_000, remaining: 5000 })).toBe(true);
    expect(fullScanAllowed({ ...base, lastFullAt: NOW - 16 * 60_000, remaining: 1800 })).toBe(false);
  });
});
