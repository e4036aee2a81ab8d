/**
 * The answer statistics on a made data set (times in Europe/Moscow, UTC+3, no daylight saving): which messages
 * make a conversation, which day it belongs to, and the median and 90th percentile of the first-reply times.
 */
import { describe, expect, it } from 'vitest';
import { addDays, answerStats, conversations, dayKey, median, percentile, type AnswerEvent } from '../../src/bridge/answer-stats.js';
import { statsCaption, waitWords } from '../../src/telegram/answer-words.js';

const ZONE = 'Europe/Moscow';
/** Moscow wall-clock time -> Unix ms. */
const msk = (iso: string) => Date.parse(`${iso}+03:00`);
const MIN = 60_000;

const buyer = (chat: number, at: number): AnswerEvent => ({ marketChatId: chat, at, by: 'buyer' });
const shop = (chat: number, at: number): AnswerEvent => ({ marketChatId: chat, at, by: 'shop' });

describe('conversations', () => {
  it('a conversation opens with the first buyer message after a shop reply and ends with the next shop message', () => {
    const t0 = msk('2026-11-30T10:00:00');
    const list = conversations([
      buyer(1, t0),
      buyer(1, t0 + 2 * MIN), // same conversation: the shop has not replied yet
      shop(1, t0 + 5 * MIN),
      shop(1, t0 + 6 * MIN), // a second shop message answers nothing
      buyer(1, t0 + 60 * MIN), // a new conversation, never answered
      shop(2, t0), // a shop message first: no conversation
    ]);
    expect(list).toEqual([
      { marketChatId: 1, startedAt: t0, answeredAt: t0 + 5 * MIN },
      { marketChatId: 1, startedAt: t0 + 60 * MIN, answeredAt: undefined },
    ]);
  });

  it('events of the same millisecond keep the order given (Market message ids)', () => {
    const t0 = msk('2026-11-30T10:00:00');
    expect(conversations([buyer(1, t0), shop(1, t0)])).toEqual([{ marketChatId: 1, startedAt: t0, answeredAt: t0 }]);
  });
});

describe('median and percentile', () => {
  it('median of an even count is the mean of the middle two; p90 is nearest-rank', () => {
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([4, 5, 6])).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(median([])).toBeNull();
  });
});

describe('answerStats', () => {
  // Day 1 (29 Nov): replies after 2, 4, 6 and 30 minutes. Day 2 (30 Nov): 10 minutes, and one unanswered.
  // Day 3 (1 Dec): nothing. A conversation at 23:50 Moscow on 28 Nov (20:50 UTC) is outside the window.
  const events: AnswerEvent[] = [
    buyer(10, msk('2026-11-28T23:50:00')), shop(10, msk('2026-11-29T00:20:00')),
    buyer(11, msk('2026-11-29T00:10:00')), shop(11, msk('2026-11-29T00:12:00')), // 00:10 Moscow is still 28 Nov in UTC
    buyer(12, msk('2026-11-29T09:00:00')), shop(12, msk('2026-11-29T09:04:00')),
    buyer(13, msk('2026-11-29T12:00:00')), buyer(13, msk('2026-11-29T12:03:00')), shop(13, msk('2026-11-29T12:06:00')),
    buyer(14, msk('2026-11-29T23:45:00')), shop(14, msk('2026-11-30T00:15:00')), // belongs to the day it started
    buyer(15, msk('2026-11-30T15:00:00')), shop(15, msk('2026-11-30T15:10:00')),
    buyer(16, msk('2026-11-30T18:00:00')),
  ];

  it('per day in the zone: conversations, answered, median and p90; the window total over all of them', () => {
    const s = answerStats(events, { lastDay: '2026-12-01', days: 3 }, { timeZone: ZONE });
    expect(s.days).toEqual([
      { day: '2026-11-29', conversations: 4, answered: 4, medianMs: 5 * MIN, p90Ms: 30 * MIN },
      { day: '2026-11-30', conversations: 2, answered: 1, medianMs: 10 * MIN, p90Ms: 10 * MIN },
      { day: '2026-12-01', conversations: 0, answered: 0, medianMs: null, p90Ms: null },
    ]);
    // Waits 2, 4, 6, 10, 30 min: median 6, nearest-rank p90 = the 5th of 5 = 30.
    expect(s.total).toEqual({ conversations: 6, answered: 5, medianMs: 6 * MIN, p90Ms: 30 * MIN });
    expect(statsCaption(s, 3)).toBe(
      'Last 3 days: 6 buyer conversations, 5 answered.\nFirst reply: median 6 min, 90% within 30 min.',
    );
  });

  it('takes the wait from the duration function it is given (working hours plug in here)', () => {
    const halved = (from: number, to: number) => (to - from) / 2;
    const s = answerStats(events, { lastDay: '2026-11-29', days: 1 }, { timeZone: ZONE, duration: halved });
    expect(s.total).toEqual({ conversations: 4, answered: 4, medianMs: 2.5 * MIN, p90Ms: 15 * MIN });
  });

  it('days are calendar days in the zone', () => {
    expect(dayKey(Date.parse('2026-11-29T21:30:00Z'), ZONE)).toBe('2026-11-30');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('waitWords', () => {
  it('seconds, minutes, hours and days', () => {
    expect(waitWords(45_000)).toBe('45 s');
    expect(waitWords(12 * MIN)).toBe('12 min');
    expect(waitWords(65 * MIN)).toBe('1 h 5 min');
    expect(waitWords(51 * 60 * MIN)).toBe('2 d 3 h');
  });
});
