/** Issue 10: the translation settings, each problem one line naming the variable; the keys are secrets. */
import { describe, expect, it } from 'vitest';
import { parseConfig, secretValues } from '../../src/config.js';
import { batches, retryAfter } from '../../src/translate/http.js';
import { deeplTarget } from '../../src/translate/deepl.js';

const good = {
  TELEGRAM_BOT_TOKEN: '123456:ABC-def_ghi',
  MARKET_API_KEY: 'ACMA:secret-key:0001',
  MARKET_BUSINESS_ID: '777',
  TELEGRAM_ADMIN_IDS: '111',
};

function errors(env: Record<string, string>): string[] {
  const r = parseConfig({ ...good, ...env });
  return r.ok ? [] : r.errors;
}

describe('translation settings', () => {
  it('are off without TRANSLATE_PROVIDER (blank values as copied from .env.example included)', () => {
    const r = parseConfig({ ...good, TRANSLATE_PROVIDER: '', YANDEX_TRANSLATE_API_KEY: '', DEEPL_API_KEY: ' ' });
    expect(r.ok && r.config.translate).toBeUndefined();
  });

  it('yandex: the key, the optional folder id and the documented default URL', () => {
    const r = parseConfig({ ...good, TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: 'AQVN-key', YANDEX_TRANSLATE_FOLDER_ID: 'b1gabc123' });
    expect(r.ok && r.config.translate).toEqual({ provider: 'yandex', apiKey: 'AQVN-key', folderId: 'b1gabc123', url: 'https://translate.api.cloud.yandex.net' });
    expect(r.ok && secretValues(r.config)).toContain('AQVN-key');
  });

  it('deepl: the host follows the key (":fx" is the Free plan) unless DEEPL_API_URL says otherwise', () => {
    const free = parseConfig({ ...good, TRANSLATE_PROVIDER: 'deepl', DEEPL_API_KEY: 'abc-123:fx' });
    expect(free.ok && free.config.translate).toEqual({ provider: 'deepl', apiKey: 'abc-123:fx', url: 'https://api-free.deepl.com' });
    const pro = parseConfig({ ...good, TRANSLATE_PROVIDER: 'deepl', DEEPL_API_KEY: 'abc-123' });
    expect(pro.ok && pro.config.translate?.url).toBe('https://api.deepl.com');
    const own = parseConfig({ ...good, TRANSLATE_PROVIDER: 'deepl', DEEPL_API_KEY: 'abc-123', DEEPL_API_URL: 'http://127.0.0.1:9000/' });
    expect(own.ok && own.config.translate?.url).toBe('http://127.0.0.1:9000');
    expect(own.ok && secretValues(own.config)).toContain('abc-123');
  });

  it.each([
    [{ TRANSLATE_PROVIDER: 'google' }, 'TRANSLATE_PROVIDER must be one of yandex, deepl'],
    [{ TRANSLATE_PROVIDER: 'yandex' }, 'YANDEX_TRANSLATE_API_KEY is required when TRANSLATE_PROVIDER=yandex (a service account API key with the ai.translate.user role)'],
    [{ TRANSLATE_PROVIDER: 'deepl', YANDEX_TRANSLATE_API_KEY: 'k' }, 'DEEPL_API_KEY is required when TRANSLATE_PROVIDER=deepl (the key from your DeepL account page)'],
    [{ DEEPL_API_KEY: 'k:fx' }, 'TRANSLATE_PROVIDER must be set (yandex or deepl) when DEEPL_API_KEY is set'],
    [{ TRANSLATE_PROVIDER: 'deepl', DEEPL_API_KEY: 'k', DEEPL_API_URL: 'api.deepl.com' }, 'DEEPL_API_URL must be an http(s) URL'],
    [{ TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: 'k', YANDEX_TRANSLATE_URL: 'ftp://x' }, 'YANDEX_TRANSLATE_URL must be an http(s) URL'],
    [{ TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: 'Api-Key k' }, 'YANDEX_TRANSLATE_API_KEY must not contain spaces (paste the key without "Api-Key")'],
  ])('%j -> one line naming the variable', (env, line) => {
    expect(errors(env)).toEqual([line]);
  });

  it('never repeats a key in an error line', () => {
    const all = errors({ TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: 'Api-Key SECRETSECRET' }).join('\n');
    expect(all).not.toContain('SECRETSECRET');
  });
});

describe('provider limits', () => {
  it('batches stay within the item and character limits, in order, and split only where needed', () => {
    expect(batches(['a', 'b', 'c'], 50, 10_000)).toEqual([['a', 'b', 'c']]);
    expect(batches(Array.from({ length: 120 }, (_, i) => String(i)), 50, 10_000).map((b) => b.length)).toEqual([50, 50, 20]);
    const long = 'x'.repeat(4000);
    expect(batches([long, long, long], 100, 10_000).map((b) => b.length)).toEqual([2, 1]);
  });

  it('Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfter('3', 0)).toBe(3000);
    expect(retryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfter(undefined, 0)).toBeUndefined();
    expect(retryAfter('soon', 0)).toBeUndefined();
  });

  it('DeepL target codes: English and Portuguese with a variant, the rest upper case', () => {
    expect([deeplTarget('en'), deeplTarget('pt'), deeplTarget('zh'), deeplTarget('ru')]).toEqual(['EN-GB', 'PT-BR', 'ZH', 'RU']);
  });
});
