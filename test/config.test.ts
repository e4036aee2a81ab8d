import { describe, expect, it } from 'vitest';
import { parseConfig, secretValues } from '../src/config.js';

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
    expect(r.config.feedbackPollMs).toBe(300_000);
  });

  it('needs only the three values a seller has in hand: MARKET_BUSINESS_ID is found at start when not given', () => {
    const { MARKET_BUSINESS_ID: _, ...three } = good;
    const r = parseConfig(three);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.market.businessId).toBeUndefined();
    expect(r.config.telegram.chatId).toBeUndefined();
  });

  it('names every missing variable on its own line, treating blank as missing', () => {
    const r = parseConfig({ TELEGRAM_BOT_TOKEN: '  ', MARKET_BUSINESS_ID: '' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.sort()).toEqual([
      'MARKET_API_KEY is required',
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
    [
      'FEEDBACK_POLL_INTERVAL_SECONDS',
      '5m',
      'FEEDBACK_POLL_INTERVAL_SECONDS must be a whole number of seconds (0 turns reviews and questions off)',
    ],
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

  it('takes several comma-separated Api-Keys (each a secret), the same key once; MARKET_BUSINESS_ID is optional', () => {
    const r = parseConfig({ ...good, MARKET_API_KEY: ' ACMA:a:1, ACMA:b:2 ,ACMA:a:1,', MARKET_BUSINESS_ID: '' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.market.apiKeys).toEqual(['ACMA:a:1', 'ACMA:b:2']);
    expect(r.config.market.apiKey).toBe('ACMA:a:1');
    expect(r.config.market.businessId).toBeUndefined();
    expect(secretValues(r.config)).toEqual(expect.arrayContaining(['ACMA:a:1', 'ACMA:b:2']));
    const bad = parseConfig({ ...good, MARKET_API_KEY: 'ACMA:a:1,Bearer ACMA:b:2' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([expect.stringMatching(/^MARKET_API_KEY must not contain spaces/)]);
    if (!bad.ok) expect(bad.errors.join('')).not.toContain('ACMA:');
  });

  it('strips a trailing slash from URLs so paths join cleanly', () => {
    const r = parseConfig({ ...good, MARKET_API_URL: 'http://127.0.0.1:8080/' });
    expect(r.ok && r.config.market.apiUrl).toBe('http://127.0.0.1:8080');
  });
});

describe('parseConfig: the desk (issue 11)', () => {
  it('reminds after 30 minutes around the clock by default; decimals and 0 are taken', () => {
    const r = parseConfig(good);
    expect(r.ok && r.config.desk).toEqual({ remindAfterMs: 1_800_000, workHours: undefined });
    const r2 = parseConfig({ ...good, REMIND_AFTER_MINUTES: '0.5', WORK_HOURS: '09:00-21:00'});
    expect(r2.ok && r2.config.desk).toEqual({ remindAfterMs: 30_000, workHours: { open: 540, close: 1260 } });
    const off = parseConfig({ ...good, REMIND_AFTER_MINUTES: '0' });
    expect(off.ok && off.config.desk.remindAfterMs).toBe(0);
  });

  it.each([
    ['REMIND_AFTER_MINUTES', '-5', 'REMIND_AFTER_MINUTES must be a number of minutes (decimals allowed; 0 turns reminders off)'],
    ['WORK_HOURS', '9-21', 'WORK_HOURS must be a daily span like 09:00-21:00 (24-hour clock, in BOT_TIMEZONE)'],
    ['WORK_HOURS', '10:00-10:00', 'WORK_HOURS opens and closes at the same time: leave it unset to work around the clock'],
  ])('%s=%s is refused with one line naming it', (name, value, line) => {
    const r = parseConfig({ ...good, [name]: value });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([line]);
  });

  it('takes AWAY_MESSAGE with WORK_HOURS, and refuses it without them or too long, in one line', () => {
    const r = parseConfig({ ...good, WORK_HOURS: '09:00-21:00', AWAY_MESSAGE: ' We answer from 9:00. ' });
    expect(r.ok && r.config.desk.awayMessage).toBe('We answer from 9:00.');
    const alone = parseConfig({ ...good, AWAY_MESSAGE: 'We answer from 9:00.' });
    expect(!alone.ok && alone.errors).toEqual(['AWAY_MESSAGE needs WORK_HOURS (the auto-reply goes to buyers writing outside working hours)']);
    const long = parseConfig({ ...good, WORK_HOURS: '09:00-21:00', AWAY_MESSAGE: 'x'.repeat(3501) });
    expect(!long.ok && long.errors).toEqual(['AWAY_MESSAGE must be at most 3500 characters']);
  });
});
