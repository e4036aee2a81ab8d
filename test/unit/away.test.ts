import { describe, expect, it } from 'vitest';
import { awayStretch } from '../../src/bridge/away.js';
import { parseWorkHours } from '../../src/bridge/work-hours.js';

const at = (iso: string) => Date.parse(iso);

describe('awayStretch: the non-working stretch a moment falls in, named by its next opening', () => {
  const day = parseWorkHours('09:00-21:00');
  it('is undefined within working hours and without WORK_HOURS', () => {
    expect(awayStretch(at('2026-03-10T12:00:00Z'), day, 'UTC')).toBeUndefined();
    expect(awayStretch(at('2026-03-10T09:00:00Z'), day, 'UTC')).toBeUndefined();
    expect(awayStretch(at('2026-03-10T23:00:00Z'), undefined, 'UTC')).toBeUndefined();
  });
  it('is the same for the evening and the early morning of one night, and differs the next night', () => {
    const evening = awayStretch(at('2026-03-10T21:00:00Z'), day, 'UTC');
    expect(evening).toBe(at('2026-03-11T09:00:00Z'));
    expect(awayStretch(at('2026-03-11T03:30:00Z'), day, 'UTC')).toBe(evening);
    expect(awayStretch(at('2026-03-11T08:59:59Z'), day, 'UTC')).toBe(evening);
    expect(awayStretch(at('2026-03-11T22:00:00Z'), day, 'UTC')).toBe(at('2026-03-12T09:00:00Z'));
  });
  it('follows BOT_TIMEZONE and hours past midnight', () => {
    // 09:00-21:00 in Moscow (UTC+3): 19:00 UTC is 22:00 there, the next opening 06:00 UTC.
    expect(awayStretch(at('2026-03-10T19:00:00Z'), day, 'Europe/Moscow')).toBe(at('2026-03-11T06:00:00Z'));
    const night = parseWorkHours('22:00-06:00');
    expect(awayStretch(at('2026-03-10T23:00:00Z'), night, 'UTC')).toBeUndefined();
    expect(awayStretch(at('2026-03-10T12:00:00Z'), night, 'UTC')).toBe(at('2026-03-10T22:00:00Z'));
  });
});
