/** WORK_HOURS: parsing, and working time between two instants in a zone (with summer time). */
import { describe, expect, it } from 'vitest';
import { isWorkingAt, nextOpening, parseWorkHours, workingMsBetween } from '../../src/bridge/work-hours.js';

const H = 3_600_000;
const MSK = 'Europe/Moscow';
/** Moscow local time (UTC+3 all year) as an instant. */
const msk = (iso: string) => Date.parse(`${iso}+03:00`);

describe('parseWorkHours', () => {
  it('reads daily spans, also past midnight', () => {
    expect(parseWorkHours('09:00-21:00')).toEqual({ open: 540, close: 1260 });
    expect(parseWorkHours(' 9:30 - 18:00 ')).toEqual({ open: 570, close: 1080 });
    expect(parseWorkHours('22:00-06:00')).toEqual({ open: 1320, close: 360 });
    expect(parseWorkHours('00:00-24:00')).toEqual({ open: 0, close: 1440 });
  });
  it('refuses what is not a span, with words that follow the variable name', () => {
    for (const bad of ['9-21', '09:00', '25:00-26:00', '09:60-10:00', 'always', '10:00-10:00', '24:30-01:00']) {
      expect(() => parseWorkHours(bad), bad).toThrow(/must|opens and closes/);
    }
  });
});

describe('workingMsBetween', () => {
  const day = parseWorkHours('09:00-21:00');
  it('counts all of it without hours', () => {
    expect(workingMsBetween(0, 5 * H, undefined, MSK)).toBe(5 * H);
    expect(workingMsBetween(5, 1, undefined, MSK)).toBe(0);
  });
  it('counts only working time, a wait begun at night from the opening', () => {
    expect(workingMsBetween(msk('2026-03-02T10:00:00'), msk('2026-03-02T12:30:00'), day, MSK)).toBe(2.5 * H);
    expect(workingMsBetween(msk('2026-03-02T23:00:00'), msk('2026-03-03T09:30:00'), day, MSK)).toBe(0.5 * H);
    expect(workingMsBetween(msk('2026-03-02T20:00:00'), msk('2026-03-03T10:00:00'), day, MSK)).toBe(2 * H);
    // Three whole days: 12 h each.
    expect(workingMsBetween(msk('2026-03-02T00:00:00'), msk('2026-03-05T00:00:00'), day, MSK)).toBe(36 * H);
  });
  it('follows a span past midnight', () => {
    const night = parseWorkHours('22:00-06:00');
    expect(workingMsBetween(msk('2026-03-02T21:00:00'), msk('2026-03-03T07:00:00'), night, MSK)).toBe(8 * H);
    expect(workingMsBetween(msk('2026-03-03T01:00:00'), msk('2026-03-03T02:00:00'), night, MSK)).toBe(H);
  });
  it('follows summer time: a 09:00-21:00 day is still 12 hours on the day clocks move', () => {
    const berlin = 'Europe/Berlin';
    // 2026-03-29: clocks go from 02:00 to 03:00 in Berlin.
    const from = Date.parse('2026-03-29T00:00:00+01:00');
    const to = Date.parse('2026-03-30T00:00:00+02:00');
    expect(workingMsBetween(from, to, day, berlin)).toBe(12 * H);
    expect(isWorkingAt(Date.parse('2026-03-29T09:00:00+02:00'), day, berlin)).toBe(true);
    expect(isWorkingAt(Date.parse('2026-03-29T08:59:00+02:00'), day, berlin)).toBe(false);
  });
});

describe('isWorkingAt and nextOpening', () => {
  const day = parseWorkHours('09:00-21:00');
  it('names the opening an off-hours moment waits for', () => {
    expect(isWorkingAt(msk('2026-03-02T12:00:00'), day, MSK)).toBe(true);
    expect(isWorkingAt(msk('2026-03-02T21:00:00'), day, MSK)).toBe(false);
    expect(nextOpening(msk('2026-03-02T22:00:00'), day, MSK)).toBe(msk('2026-03-03T09:00:00'));
    expect(nextOpening(msk('2026-03-03T03:00:00'), day, MSK)).toBe(msk('2026-03-03T09:00:00'));
    expect(nextOpening(msk('2026-03-03T10:00:00'), day, MSK)).toBe(msk('2026-03-03T10:00:00'));
    expect(nextOpening(msk('2026-03-02T05:00:00'), undefined, MSK)).toBe(msk('2026-03-02T05:00:00'));
  });
});
