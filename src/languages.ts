/** The languages the bot speaks (BOT_LANGUAGE, /language), free of imports so config and db can use it. */
export const LANGUAGES = ['en', 'ru', 'zh'] as const;
export type Lang = (typeof LANGUAGES)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Telegram's `language_code` ("ru", "zh-hans", "en-US") as one of ours, when it is one. */
export function langOfCode(code: string | undefined): Lang | undefined {
  const base = code?.toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : undefined;
}

export const DEFAULT_TIME_ZONE = 'Europe/Moscow';


