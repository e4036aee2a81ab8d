/** One date format everywhere: day, month as a word, 24-hour time, the zone named; never bare UTC or "12-01". */
import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../src/i18n/when.js';
import { configureTexts, t, when, withLanguage } from '../../src/texts.js';

const AT = Date.UTC(2026, 11, 2, 11, 5); // 14:05 in Moscow
const NOW = Date.UTC(2026, 11, 2, 12, 0);

describe('dates and times the seller reads', () => {
  it('in Moscow time, labelled, in each language', () => {
    expect(formatWhen(AT, 'en', 'Europe/Moscow', 'MSK', NOW)).toBe('2 Dec 14:05 MSK');
    expect(formatWhen(AT, 'ru', 'Europe/Moscow', 'МСК', NOW)).toBe('2 дек 14:05 МСК');
    expect(formatWhen(AT, 'zh', 'Europe/Moscow', '莫斯科时间', NOW)).toBe('12月2日 14:05 (莫斯科时间)');
  });

  it('another zone shows its offset, UTC says UTC, and another year is named', () => {
    expect(formatWhen(AT, 'en', 'Asia/Shanghai', undefined, NOW)).toBe('2 Dec 19:05 GMT+8');
    expect(formatWhen(AT, 'ru', 'UTC', undefined, NOW)).toBe('2 дек 11:05 UTC');
    expect(formatWhen(Date.UTC(2025, 0, 12, 9, 0), 'en', 'UTC', undefined, NOW)).toBe('12 Jan 2025 09:00 UTC');
    expect(formatWhen(Date.UTC(2025, 0, 12, 9, 0), 'zh', 'UTC', undefined, NOW)).toBe('2025年1月12日 09:00 (UTC)');
  });

  it('BOT_TIMEZONE decides the zone of every text, and the label follows the language', () => {
    try {
      configureTexts({ language: 'en', timeZone: 'Europe/Moscow' });
      expect(withLanguage('ru', () => when(AT))).toMatch(/^2 дек 14:05 МСК$|^2 дек 2026 14:05 МСК$/);
      configureTexts({ language: 'en', timeZone: 'Asia/Shanghai' });
      expect(t('status.line', { at: AT, state: '✓ delivered', text: 'x' })).toMatch(/19:05 GMT\+8 ✓ delivered: “x”$/);
    } finally {
      configureTexts({ language: 'en', timeZone: 'Europe/Moscow' });
    }
  });
});

/** What Intl.DateTimeFormat writes, the way formatWhen wrote it before it stopped using Intl (issue 13). */
function intlWhen(ms: number, lang: 'en' | 'ru' | 'zh', timeZone: string, now: number): string {
  const f = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : lang, {
    timeZone, year: 'numeric', month: lang === 'zh' ? 'numeric' : 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset',
  });
  const parts = (at: number) => Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const p = parts(ms);
  const year = p.year !== parts(now).year ? p.year : undefined;
  const zone = /^(GMT|UTC)([+-]0)?$/.test(p.timeZoneName ?? '') ? 'UTC' : p.timeZoneName;
  const time = `${p.hour}:${p.minute}`;
  if (lang === 'zh') return `${year ? `${year}年` : ''}${p.month}月${p.day}日 ${time} (${zone})`;
  return `${p.day} ${(p.month ?? '').replace(/\.$/, '')}${year ? ` ${year}` : ''} ${time} ${zone}`;
}

describe('formatWhen writes what Intl writes', () => {
  it('every month, in each language, in zones with odd offsets and summer time, this year and another', () => {
    const now = Date.UTC(2026, 11, 2, 12);
    for (const lang of ['en', 'ru', 'zh'] as const) {
      for (const zone of ['Europe/Moscow', 'Asia/Shanghai', 'UTC', 'America/St_Johns', 'Asia/Kathmandu', 'Europe/London']) {
        for (let month = 0; month < 12; month++) {
          for (const at of [Date.UTC(2026, month, 1, 0, 7), Date.UTC(2025, month, 28, 23, 59)]) {
            expect(formatWhen(at, lang, zone, undefined, now), `${lang} ${zone} ${new Date(at).toISOString()}`).toBe(intlWhen(at, lang, zone, now));
          }
        }
      }
    }
  });
});
