/**
 * The one format for dates and times the seller reads: day, month name, 24-hour time and the time zone, in the
 * seller's zone (BOT_TIMEZONE): "2 Dec 14:05 MSK", «2 дек 14:05 МСК», "12月2日 14:05 (莫斯科时间)". The month is a
 * word, so "12-01" can never be read as 1 December in one language and 12 January in another; the year is added
 * when it is not the current one. Intl only: no dependency.
 */
import type { Lang } from '../languages.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : lang, {
      timeZone,
      year: 'numeric',
      month: lang === 'zh' ? 'numeric' : 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    formats.set(key, f);
  }
  return f;
}

/**
 * `zoneLabel` is the zone's name in the seller's language when it has one (MSK, МСК, 莫斯科时间), else undefined and
 * the UTC offset Intl gives ("GMT+5") is shown.
 */
export function formatWhen(ms: number, lang: Lang, timeZone: string, zoneLabel: string | undefined, now = Date.now()): string {
  const parts = Object.fromEntries(formatter(lang, timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const nowYear = Object.fromEntries(formatter(lang, timeZone).formatToParts(new Date(now)).map((p) => [p.type, p.value])).year;
  const year = parts.year !== nowYear ? parts.year : undefined;
  const zone = zoneLabel ?? (/^(GMT|UTC)([+-]0)?$/.test(parts.timeZoneName ?? '') ? 'UTC' : parts.timeZoneName);
  const time = `${parts.hour}:${parts.minute}`;
  if (lang === 'zh') return `${year ? `${year}年` : ''}${parts.month}月${parts.day}日 ${time} (${zone})`;
  const month = (parts.month ?? '').replace(/\.$/, '');
  return `${parts.day} ${month}${year ? ` ${year}` : ''} ${time} ${zone}`;
}

/**
 * A moment as an entry of a list the seller reads now (a backlog shown in one post): the time alone ("14:05") when it
 * is on the same day as `now` in the seller's zone, else the whole formatWhen.
 */
export function formatWhenShort(ms: number, lang: Lang, timeZone: string, zoneLabel: string | undefined, now = Date.now()): string {
  const day = (at: number) => {
    const p = Object.fromEntries(formatter(lang, timeZone).formatToParts(new Date(at)).map((x) => [x.type, x.value]));
    return { key: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
  };
  const then = day(ms);
  return then.key === day(now).key ? then.time : formatWhen(ms, lang, timeZone, zoneLabel, now);
}
