import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';

const good = {
  TELEGRAM_BOT_TOKEN: '123456:ABC-def_ghi',
  MARKET_API_KEY: 'ACMA:secret-key:0001',
  MARKET_BUSINESS_ID: '777',
  TELEGRAM_ADMIN_IDS: '111, 222',
};

describe('parseConfig', () => {
  it('accepts the four required variables and fills the documented defaults', () => {
    const r = parseConfig(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.telegram.apiRoot).toBe('https://api.telegram.org');
    expect(r.config.market.apiUrl).toBe('https://api.partner.market.yandex.ru');
    expect(r.config.databasePath).toBe('data/bridge.sqlite');
    expect(r.config.logLevel).toBe('info');
    expect([...r.config.telegram.adminIds]).toEqual([111, 222]);
    expect(r.config.market.businessId).toBe(777);
  });

  it('names every missing variable on its own line, treating blank as missing', () => {
    const r = parseConfig({ TELEGRAM_BOT_TOKEN: '  ', MARKET_BUSINESS_ID: '' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.sort()).toEqual([
      'MARKET_API_KEY is required',
      'MARKET_BUSINESS_ID is required',
      'TELEGRAM_ADMIN_IDS is required',
      'TELEGRAM_BOT_TOKEN is required',
    ]);
  });

  it.each([
    ['MARKET_BUSINESS_ID', '0', 'MARKET_BUSINESS_ID must be a positive integer'],
    ['MARKET_BUSINESS_ID', '12abc', 'MARKET_BUSINESS_ID must be a positive integer'],
    ['MARKET_BUSINESS_ID', '99999999999999999999', 'MARKET_BUSINESS_ID is too large'],
    ['TELEGRAM_ADMIN_IDS', '111,bob', 'TELEGRAM_ADMIN_IDS must be comma-separated numeric Telegram user ids'],
    ['TELEGRAM_ADMIN_IDS', ' , ', 'TELEGRAM_ADMIN_IDS must list at least one Telegram user id'],
    [
      'TELEGRAM_ADMIN_IDS',
      '111,1087968824',
      'TELEGRAM_ADMIN_IDS must list people: 1087968824 is Telegram’s stand-in for anonymous group admins (and 136817688 for channels, 777000 for Telegram itself), who cannot be identified; remove it, and have admins turn off “Remain anonymous” to write to buyers',
    ],
    ['MARKET_API_URL', 'ftp://x', 'MARKET_API_URL must be an http(s) URL'],
    ['TELEGRAM_API_ROOT', 'not a url', 'TELEGRAM_API_ROOT must be an http(s) URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    ['TELEGRAM_CHAT_ID', 'group', 'TELEGRAM_CHAT_ID must be a numeric Telegram chat id (e.g. -1001234567890)'],
    ['DIGEST_AT', '9.30', 'DIGEST_AT must be a time of day as HH:MM (e.g. 09:30), or empty for no daily digest'],
    ['DIGEST_AT', '24:00', 'DIGEST_AT must be a time of day as HH:MM (e.g. 09:30), or empty for no daily digest'],
  ])('%s=%s is refused with a line naming it', (name, value, line) => {
    const r = parseConfig({ ...good, [name]: value });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([line]);
  });

  it('DIGEST_AT is off by default and read as hour and minute', () => {
    const off = parseConfig(good);
    expect(off.ok && off.config.digestAt).toBeUndefined();
    const on = parseConfig({ ...good, DIGEST_AT: '9:05' });
    expect(on.ok && on.config.digestAt).toEqual({ hour: 9, minute: 5 });
  });

  it('never repeats a secret value in its error lines', () => {
    const r = parseConfig({ ...good, TELEGRAM_BOT_TOKEN: 'not-a-token-super-secret', MARKET_API_KEY: 'Bearer secret-key' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(2);
    expect(r.errors.join('\n')).not.toMatch(/super-secret|secret-key/);
    expect(r.errors.join('\n')).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(r.errors.join('\n')).toMatch(/MARKET_API_KEY/);
  });

  it('strips a trailing slash from URLs so paths join cleanly', () => {
    const r = parseConfig({ ...good, MARKET_API_URL: 'http://127.0.0.1:8080/' });
    expect(r.ok && r.config.market.apiUrl).toBe('http://127.0.0.1:8080');
  });
});
