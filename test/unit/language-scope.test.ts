/**
 * The language scope is entered only when it changes what is spoken (issue 13: on Node 20 and 22 the first
 * AsyncLocalStorage.run turns on a per-promise hook for the rest of the process), and what is spoken stays right
 * across awaits, nesting and the synchronous form used while parsing the configuration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import {
  configureTexts,
  currentLanguage,
  languageScopesEntered,
  t,
  withLanguage,
  withLanguageNow,
} from '../../src/texts.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('the language scope', () => {
  afterEach(() => configureTexts({ language: 'en', timeZone: 'Europe/Moscow' }));

  it('is not entered for the language already spoken, which then still holds after an await', async () => {
    configureTexts({ language: 'ru', timeZone: 'Europe/Moscow' });
    const before = languageScopesEntered();
    const spoken = await withLanguage('ru', async () => {
      await tick();
      return [currentLanguage(), t('language.set')];
    });
    expect(languageScopesEntered()).toBe(before);
    expect(spoken).toEqual(['ru', withLanguage('ru', () => t('language.set'))]);
    expect(spoken[1]).not.toBe(withLanguage('en', () => t('language.set')));
  });

  it('is entered for another language, and nested scopes give back the outer one after each await', async () => {
    const before = languageScopesEntered();
    const seen: string[] = [];
    await withLanguage('zh', async () => {
      seen.push(currentLanguage());
      await withLanguage('en', async () => {
        await tick();
        seen.push(currentLanguage());
      });
      await tick();
      seen.push(currentLanguage());
      await withLanguage('zh', async () => {
        await tick();
        seen.push(currentLanguage());
      });
    });
    seen.push(currentLanguage());
    expect(seen).toEqual(['zh', 'en', 'zh', 'zh', 'en']);
    // zh, then en inside zh (it changes what is spoken); the inner zh inside zh is not entered again.
    expect(languageScopesEntered() - before).toBe(2);
  });

  it('keeps two chats that run at once apart', async () => {
    const run = (lang: 'ru' | 'zh') =>
      withLanguage(lang, async () => {
        const out: string[] = [];
        for (let i = 0; i < 3; i++) {
          await tick();
          out.push(currentLanguage());
        }
        return out;
      });
    const [ru, zh] = await Promise.all([run('ru'), run('zh')]);
    expect(ru).toEqual(['ru', 'ru', 'ru']);
    expect(zh).toEqual(['zh', 'zh', 'zh']);
  });

  it('synchronous form: speaks its language inside, enters no scope, and a withLanguage inside it still wins', async () => {
    const before = languageScopesEntered();
    expect(withLanguageNow('zh', () => currentLanguage())).toBe('zh');
    expect(currentLanguage()).toBe('en');
    expect(languageScopesEntered()).toBe(before);
    const inner = withLanguageNow('zh', () =>
      withLanguage('en', async () => {
        const now = currentLanguage();
        await tick();
        return [now, currentLanguage()];
      }),
    );
    expect(await inner).toEqual(['en', 'en']);
  });

  it('parsing a configuration in another language names the problem in it without entering a scope', () => {
    const before = languageScopesEntered();
    const ru = parseConfig({ BOT_LANGUAGE: 'ru' });
    const en = parseConfig({ BOT_LANGUAGE: 'en' });
    expect(ru.ok || en.ok).toBe(false);
    if (ru.ok || en.ok) return;
    expect(ru.errors.join('\n')).not.toBe(en.errors.join('\n'));
    expect(ru.errors.join('\n')).toMatch(/[а-яё]/i);
    expect(languageScopesEntered()).toBe(before);
    expect(currentLanguage()).toBe('en');
  });
});
