/**
 * The one format for dates and times the seller reads: day, month name, 24-hour time and the time zone, in the
 * seller's zone (BOT_TIMEZONE): "2 Dec 14:05 MSK", «2 дек 14:05 МСК», "12月2日 14:05 (莫斯科时间)". The month is a
 * word, so "12-01" can never be read as 1 December in one language and 12 January in another; the year is added
 * when it is not the current one. No Intl formatter (src/util/time-zone.ts says why); the words are CLDR's, as
 * Intl writes them (test/unit/when.test.ts compares the two).
 */
import type { Lang } from '../languages.js';
import { gmtOffset, wallClock, type WallClock } from '../util/time-zone.js';

/** CLDR's abbreviated month names (format context), without the abbreviation's dot; zh writes the number. */
const MONTHS: Record<Exclude<Lang, 'zh'>, readonly string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  ru: ['янв', 'февр', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сент', 'окт', 'нояб', 'дек'],
};

const two = (n: number) => String(n).padStart(2, '0');
const time = (c: WallClock) => `${two(c.hour)}:${two(c.minute)}`;

/**
 * `zoneLabel` is the zone's name in the seller's language when it has one (MSK, МСК, 莫斯科时间), else undefined and
 * the UTC offset is shown ("GMT+5"; "UTC" for 0).
 */
export function formatWhen(ms: number, lang: Lang, timeZone: string, zoneLabel: string | undefined, now = Date.now()): string {
  const at = wallClock(ms, timeZone);
  const year = at.year !== wallClock(now, timeZone).year ? at.year : undefined;
  const zone = zoneLabel ?? (at.offset === 0 ? 'UTC' : gmtOffset(at.offset));
  if (lang === 'zh') return `${year ? `${year}年` : ''}${at.month}月${at.day}日 ${time(at)} (${zone})`;
  return `${at.day} ${MONTHS[lang][at.month - 1]}${year ? ` ${year}` : ''} ${time(at)} ${zone}`;
}

/**
 * A moment as an entry of a list the seller reads now (a backlog shown in one post): the time alone ("14:05") when it
 * is on the same day as `now` in the seller's zone, else the whole formatWhen.
 */
export function formatWhenShort(ms: number, lang: Lang, timeZone: string, zoneLabel: string | undefined, now = Date.now()): string {
  const then = wallClock(ms, timeZone);
  const today = wallClock(now, timeZone);
  const sameDay = then.year === today.year && then.month === today.month && then.day === today.day;
  return sameDay ? time(then) : formatWhen(ms, lang, timeZone, zoneLabel, now);
}
