/**
 * Issue 13: the first Intl.DateTimeFormat or Intl.NumberFormat a process makes pages in about 8 MB of ICU that stays
 * resident, so nothing the bridge runs makes one: dates, times, zones, day keys, working hours and numbers in texts
 * are all written without them (src/util/time-zone.ts, plainNumber in src/texts.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayKey } from '../../src/bridge/answer-stats.js';
import { defaultDate } from '../../src/bridge/templates.js';
import { nextOpening, parseWorkHours, workingMsBetween } from '../../src/bridge/work-hours.js';
import { parseConfig } from '../../src/config.js';
import { configureTexts, LANGUAGES, plainNumber, t, when, whenShort, withLanguage } from '../../src/texts.js';

const made: string[] = [];
const real = { DateTimeFormat: Intl.DateTimeFormat, NumberFormat: Intl.NumberFormat };

beforeAll(() => {
  for (const name of ['DateTimeFormat', 'NumberFormat'] as const) {
    (Intl as Record<string, unknown>)[name] = new Proxy(real[name], {
      construct(target, args) {
        made.push(`Intl.${name}(${JSON.stringify(args)})`);
        return Reflect.construct(target, args) as object;
      },
      apply(target, self, args) {
        made.push(`Intl.${name}(${JSON.stringify(args)})`);
        return Reflect.apply(target, self, args) as unknown;
      },
    });
  }
});
afterAll(() => Object.assign(Intl, real));

describe('no Intl formatter', () => {
  it('for times, zones, days, working hours and numbers in every language', () => {
    const at = Date.UTC(2026, 2, 29, 0, 30);
    const r = parseConfig({ TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_ADMIN_IDS: '5', MARKET_API_KEY: 'k', MARKET_BUSINESS_ID: '7', BOT_TIMEZONE: 'europe/london' });
    expect(r.ok && r.config.timeZone).toBe('Europe/London');
    const texts: string[] = [];
    for (const zone of ['Europe/Moscow', 'Europe/London', 'Asia/Kathmandu']) {
      configureTexts({ language: 'en', timeZone: zone });
      for (const lang of LANGUAGES) {
        withLanguage(lang, () => {
          texts.push(when(at), whenShort(at, at + 60_000), t('words.bytes', { n: 1.5 }), t('words.inMinutes', { n: 3, at: when(at) }));
        });
      }
      texts.push(dayKey(at, zone), defaultDate(at, zone));
      const hours = parseWorkHours('09:00-21:00');
      texts.push(String(workingMsBetween(at, at + 86_400_000, hours, zone)), String(nextOpening(at, hours, zone)));
    }
    configureTexts({ language: 'en', timeZone: 'Europe/Moscow' });
    expect(texts.every((x) => x.length > 0)).toBe(true);
    expect(texts).toContain('29 мар 00:30 UTC');
    expect(texts).toContain('29 Mar 06:15 GMT+5:45');
    expect(texts).toContain('1,5 Б');
    expect(made).toEqual([]);
  });
});

describe('plainNumber writes what Intl.NumberFormat wrote (no grouping, one decimal at most)', () => {
  it('in each language, for whole numbers, tenths, halves and the awkward ones', () => {
    const values = [0, 1, -1, 7, 42, 1000, 12345678, 9007199254740991, 1e21, 0.5, 1.5, 2.25, 0.15, 0.35, 1.05, 2.45, 0.96, 9.95, 99.99, -0.04, -2.5, 1e-7, 3.14159, 123456789.95, -0];
    for (const lang of LANGUAGES) {
      const f = new real.NumberFormat(lang, { useGrouping: false, maximumFractionDigits: 1 });
      for (const v of values) expect(plainNumber(v, lang), `${lang} ${v}`).toBe(f.format(v));
    }
  });
});
