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
