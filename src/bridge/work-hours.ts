/**
 * WORK_HOURS: the shop's daily working time in the bot's time zone ("09:00-21:00"; "22:00-06:00" runs past
 * midnight). Reminders only fire, and /stats only counts, inside it; AWAY_MESSAGE uses
 * nextOpening to name an evening (src/bridge/away.ts). Undefined hours mean "always". Zone offsets come from ICU's zone rules (src/util/time-zone.ts), so summer time
 * is followed.
 */
import { offsetMinutes, wallClock } from '../util/time-zone.js';

/** Minutes after local midnight: the day's opening and closing. `close` <= `open` means the span ends the next day. */
export interface WorkHours {
  open: number;
  close: number;
}

const SPAN = /^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)$/;

/** Parses "HH:MM-HH:MM"; throws an Error whose message completes "WORK_HOURS …" for a bad value. */
export function parseWorkHours(s: string): WorkHours {
  const m = SPAN.exec(s.trim());
  if (!m) throw new Error('must be a daily span like 09:00-21:00 (24-hour clock, in BOT_TIMEZONE)');
  const open = Number(m[1]) * 60 + Number(m[2]);
  const close = Number(m[3]) * 60 + Number(m[4]);
  if (close > 24 * 60) throw new Error('must not close later than 24:00');
  if (open === close) throw new Error('opens and closes at the same time: leave it unset to work around the clock');
  return { open, close };
}

/** The local calendar fields of an instant in `timeZone`. */
function localParts(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const c = wallClock(ms, timeZone);
  return { y: c.year, mo: c.month, d: c.day, h: c.hour, mi: c.minute, s: c.second };
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  return offsetMinutes(ms, timeZone) * 60_000;
}

/** The instant at local date (y, mo, d) plus `minutes` after midnight in `timeZone` (a gap in summer time moves on). */
function zoned(y: number, mo: number, d: number, minutes: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d, 0, minutes);
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** The working spans that may touch [fromMs, toMs], as [start, end) instants. */
function spans(fromMs: number, toMs: number, hours: WorkHours, timeZone: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const first = localParts(fromMs, timeZone);
  // From the local day before (a span past midnight started then) up to the day of toMs.
  for (let day = Date.UTC(first.y, first.mo - 1, first.d) - 86_400_000; ; day += 86_400_000) {
    const date = new Date(day);
    const [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const start = zoned(y, mo, d, hours.open, timeZone);
    if (start > toMs) break;
    const end = zoned(y, mo, d, hours.close + (hours.close <= hours.open ? 24 * 60 : 0), timeZone);
    out.push([start, end]);
  }
  return out;
}

/** Milliseconds of working time between two instants (all of it when `hours` is undefined). */
export function workingMsBetween(fromMs: number, toMs: number, hours: WorkHours | undefined, timeZone: string): number {
  if (toMs <= fromMs) return 0;
  if (!hours) return toMs - fromMs;
  let total = 0;
  for (const [start, end] of spans(fromMs, toMs, hours, timeZone)) {
    const a = Math.max(start, fromMs);
    const b = Math.min(end, toMs);
    if (b > a) total += b - a;
  }
  return total;
}

/** Whether `ms` falls in working hours (always, when `hours` is undefined). */
export function isWorkingAt(ms: number, hours: WorkHours | undefined, timeZone: string): boolean {
  return workingMsBetween(ms, ms + 1, hours, timeZone) === 1;
}

/**
 * The next opening at or after `ms` (`ms` itself inside working hours). It names the off-hours stretch a moment
 * belongs to: two moments of the same evening and night share it.
 */
export function nextOpening(ms: number, hours: WorkHours | undefined, timeZone: string): number {
  if (!hours) return ms;
  for (const [start, end] of spans(ms, ms + 3 * 86_400_000, hours, timeZone)) {
    if (ms >= start && ms < end) return ms;
    if (start >= ms) return start;
  }
  return ms;
}
