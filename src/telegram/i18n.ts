/**
 * @grammyjs/i18n on the bot: `ctx.t` for features, over the same locales/ files as `t()` (src/texts.ts). The
 * language is the one the dispatcher chose for the update (src/telegram/language.ts), so both always agree.
 */
import { I18n, type I18nFlavor } from '@grammyjs/i18n';
import type { Context, Middleware } from 'grammy';
import { LOCALES_DIR } from '../paths.js';
import { currentLanguage } from '../texts.js';

export type I18nContext = Context & I18nFlavor;

export function i18nMiddleware(): Middleware<Context> {
  const i18n = new I18n<I18nContext>({
    defaultLocale: 'en',
    directory: LOCALES_DIR,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: () => currentLanguage(),
  });
  return i18n.middleware() as unknown as Middleware<Context>;
}
