/** BOT_LANGUAGE and BOT_TIMEZONE as settings, and the configuration's own lines in the seller's language. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

const base = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_ADMIN_IDS: '5', MARKET_API_KEY: 'key', MARKET_BUSINESS_ID: '7' };

describe('BOT_LANGUAGE and BOT_TIMEZONE', () => {
  it('default to English and Market’s own time', () => {
    const r = parseConfig(base);
    expect(r.ok && [r.config.language, r.config.timeZone]).toEqual(['en', 'Europe/Moscow']);
  });

  it('take ru, en or zh and any IANA zone', () => {
    const r = parseConfig({ ...base, BOT_LANGUAGE: 'zh', BOT_TIMEZONE: 'Asia/Shanghai' });
    expect(r.ok && [r.config.language, r.config.timeZone]).toEqual(['zh', 'Asia/Shanghai']);
  });

  it('a bad value is one line naming the variable, in English when BOT_LANGUAGE itself is bad', () => {
    expect(parseConfig({ ...base, BOT_LANGUAGE: 'de', BOT_TIMEZONE: 'Moscow' })).toEqual({
      ok: false,
      errors: ['BOT_LANGUAGE must be one of en, ru, zh', 'BOT_TIMEZONE must be an IANA time zone name, e.g. Europe/Moscow or Asia/Shanghai'],
    });
  });

  it('the lines a seller reads in the terminal speak BOT_LANGUAGE', () => {
    const env = { BOT_TIMEZONE: 'UTC+3', MARKET_BUSINESS_ID: '0', TELEGRAM_ADMIN_IDS: '5', MARKET_API_KEY: 'key' };
    expect(parseConfig({ ...env, BOT_LANGUAGE: 'ru' })).toEqual({
      ok: false,
      errors: [
        'TELEGRAM_BOT_TOKEN — обязательная настройка',
        'MARKET_BUSINESS_ID должна быть целым положительным числом',
        'BOT_TIMEZONE должна быть названием часового пояса IANA, например Europe/Moscow или Asia/Shanghai',
      ],
    });
    expect(parseConfig({ ...env, BOT_LANGUAGE: 'zh' })).toEqual({
      ok: false,
      errors: ['TELEGRAM_BOT_TOKEN 为必填项', 'MARKET_BUSINESS_ID 必须是正整数', 'BOT_TIMEZONE 必须是 IANA 时区名称，例如 Europe/Moscow 或 Asia/Shanghai'],
    });
  });
});
