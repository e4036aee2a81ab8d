/**
 * Environment -> typed, validated configuration. Validated once at start-up; every bad variable gets its own
 * line naming it, and no line ever repeats a secret's value.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isLang, LANGUAGES, type Lang } from './languages.js';
import { t, withLanguageNow } from './texts.js';
import { parseWorkHours, type WorkHours } from './bridge/work-hours.js';
import { timeZoneName } from './util/time-zone.js';

const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';
const DEFAULT_MARKET_API_URL = 'https://api.partner.market.yandex.ru';
export const DEFAULT_DATABASE_PATH = 'data/bridge.sqlite';
const DEFAULT_YANDEX_TRANSLATE_URL = 'https://translate.api.cloud.yandex.net';
/** DeepL's two hosts: a key ending in `:fx` belongs to the Free plan and works only on the free host. */
export const DEEPL_FREE_URL = 'https://api-free.deepl.com';
export const DEEPL_PRO_URL = 'https://api.deepl.com';

/** Treat `VAR=` (as left by copying .env.example) the same as an unset variable. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
/** A missing required variable is reported as such in parseConfig, whatever the schema would say. */
const required = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema);

const positiveInt = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]*$/, 'config.positiveInt')
  .transform(Number)
  .refine(Number.isSafeInteger, 'config.tooLarge');

const telegramChatId = z
  .string()
  .trim()
  .regex(/^-?[1-9][0-9]*$/, 'config.chatId')
  .transform(Number)
  .refine(Number.isSafeInteger, 'config.tooLarge');

const port = z
  .string()
  .trim()
  .regex(/^[0-9]+$/, 'config.port')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 65535, 'config.port');

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'config.url')
  .transform((v) => v.replace(/\/+$/, ''));

/** Ids Telegram puts in `from` for messages that are not from a person. */
export const NOT_PEOPLE = new Set([1087968824, 136817688, 777000]);

const adminIds = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .refine((ids) => ids.length > 0, 'config.adminIdsEmpty')
  .refine((ids) => ids.every((id) => /^[1-9][0-9]*$/.test(id)), 'config.adminIdsFormat')
  // Telegram's placeholders in `from` (@GroupAnonymousBot, @Channel_Bot, Telegram's service account) are nobody:
  // listing one would let anyone who writes anonymously act as the team.
  .refine(
    (ids) => !ids.some((id) => NOT_PEOPLE.has(Number(id))),
    'config.adminIdsNotPeople',
  )
  .transform((ids) => new Set(ids.map(Number)));

const ipList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .refine((l) => l.every((c) => /^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/.test(c)), 'config.ipList');

/** One Api-Key per cabinet, comma-separated; the same key twice counts once. */
const apiKeys = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .refine((keys) => keys.length > 0, 'must list at least one Api-Key')
  .refine((keys) => keys.every((k) => /^\S+$/.test(k)), 'must not contain spaces (paste each key without "Bearer"; separate keys with commas)')
  .transform((keys) => [...new Set(keys)]);

const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: required(
    z.string().trim().regex(/^[0-9]+:[A-Za-z0-9_-]+$/, 'config.token'),
  ),
  TELEGRAM_API_ROOT: optional(httpUrl).default(DEFAULT_TELEGRAM_API_ROOT),
  TELEGRAM_ADMIN_IDS: required(adminIds),
  TELEGRAM_CHAT_ID: optional(telegramChatId),
  MARKET_API_KEY: required(apiKeys),
  MARKET_BUSINESS_ID: optional(positiveInt),
  MARKET_API_URL: optional(httpUrl).default(DEFAULT_MARKET_API_URL),
  MARKET_NOTIFY_PORT: optional(port),
  MARKET_NOTIFY_ALLOW_IPS: optional(ipList),
  // A path segment of the URL registered in the cabinet: URL-safe and long enough not to be guessed.
  MARKET_NOTIFY_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'config.notifySecret'),
  ),
  MARKET_POLL_INTERVAL_SECONDS: optional(positiveInt).default(60),
  MARKET_TIMEOUT_SECONDS: optional(positiveInt).default(15),
  DATABASE_PATH: optional(z.string().trim()).default(DEFAULT_DATABASE_PATH),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
  BOT_MODE: optional(z.enum(['polling', 'webhook'])).default('polling'),
  WEBHOOK_URL: optional(httpUrl),
  WEBHOOK_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'config.webhookSecret'),
  ),
  WEBHOOK_PORT: optional(port),
  HEALTH_PORT: optional(port),
  HTTP_HOST: optional(z.string().trim().regex(/^[0-9A-Za-z.:_-]+$/, 'config.host')),
  LOG_FORMAT: optional(z.enum(['json', 'pretty'])),
  BOT_LANGUAGE: optional(z.enum(LANGUAGES)).default('en'),
  BOT_TIMEZONE: optional(
    z
      .string()
      .trim()
      .refine((v) => timeZoneName(v) !== undefined, 'config.timeZone')
      .transform((v) => timeZoneName(v)!),
  ).default(DEFAULT_TIME_ZONE),
  // Translation between buyer and seller (off unless TRANSLATE_PROVIDER is set); see src/translate/.
  TRANSLATE_PROVIDER: optional(z.enum(['yandex', 'deepl'])),
  YANDEX_TRANSLATE_API_KEY: optional(z.string().trim().regex(/^\S+$/, 'must not contain spaces (paste the key without "Api-Key")')),
  YANDEX_TRANSLATE_FOLDER_ID: optional(z.string().trim().regex(/^[A-Za-z0-9]{1,50}$/, 'must be a Yandex Cloud folder id (letters and digits, e.g. b1g...)')),
  YANDEX_TRANSLATE_URL: optional(httpUrl).default(DEFAULT_YANDEX_TRANSLATE_URL),
  DEEPL_API_KEY: optional(z.string().trim().regex(/^\S+$/, 'must not contain spaces (paste the key without "DeepL-Auth-Key")')),
  DEEPL_API_URL: optional(httpUrl),
  // Reviews and product questions in Telegram: how often they are polled; 0 turns them off.
  FEEDBACK_POLL_INTERVAL_SECONDS: optional(
    z.string().trim().regex(/^[0-9]+$/, 'must be a whole number of seconds (0 turns reviews and questions off)').transform(Number),
  ).default(300),
  REMIND_AFTER_MINUTES: optional(
    z.string().trim().regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a number of minutes (decimals allowed; 0 turns reminders off)').transform(Number),
  ).default(30),
  WORK_HOURS: optional(z.string().transform((v, ctx) => {
    try {
      return parseWorkHours(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  })),
  AWAY_MESSAGE: optional(
    z.string().trim().min(1, 'must not be empty (leave it unset for no auto-reply)').max(3500, 'must be at most 3500 characters'),
  ),
  DIGEST_AT: optional(
    z
      .string()
      .trim()
      .regex(/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day as HH:MM (e.g. 09:30), or empty for no daily digest')
      .transform((v) => ({ hour: Number(v.split(':')[0]), minute: Number(v.split(':')[1]) })),
  ),
});

export interface Config {
  telegram: {
    token: string;
    apiRoot: string;
    adminIds: ReadonlySet<number>;
    /** The team's supergroup (or the owner's private chat) where buyer chats appear. */
    chatId: number | undefined;
    mode: 'polling' | 'webhook';
    webhook: { url: string; secret: string; port: number } | undefined;
  };
  market: {
    /** The first of `apiKeys` (kept for code that serves one shop). */
    apiKey: string;
    /** One Api-Key per cabinet (MARKET_API_KEY, comma-separated); each key's business is found at start (shops.ts). */
    apiKeys: readonly string[];
    /** MARKET_BUSINESS_ID: optional; with one key it is checked against the key's business. */
    businessId: number | undefined;
    apiUrl: string;
    notifyPort: number | undefined;
    notifyAllowIps: string[] | undefined;
    /** Notifications are accepted only at /<secret> and /<secret>/notification. A secret: never logged. */
    notifySecret: string | undefined;
    pollIntervalMs: number;
    /** Per-request timeout; a send that times out is reconciled with the chat history, never resent blindly. */
    timeoutMs: number;
  };
  databasePath: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `json`, `pretty`, or undefined: pretty when stdout is a terminal, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** GET /healthz and /metrics; off when undefined (may equal WEBHOOK_PORT or MARKET_NOTIFY_PORT). */
  healthPort: number | undefined;
  /** Address the HTTP servers bind to; undefined = all interfaces. */
  httpHost: string | undefined;
  /** BOT_LANGUAGE: the bot's language where no chat chose one (/language), and for start-up lines. */
  language: Lang;
  /** BOT_TIMEZONE: every date and time the seller reads is in this zone (IANA name). */
  timeZone: string;
  /** Machine translation between buyer and seller; undefined = off (TRANSLATE_PROVIDER unset). */
  translate: TranslateConfig | undefined;
  /** Reviews and product questions: polled this often (ms); 0 = not brought into Telegram at all. */
  feedbackPollMs: number;
  /** The team's desk: reminders and working hours (issue 11). */
  desk: {
    /** REMIND_AFTER_MINUTES in ms; 0 = no reminders. */
    remindAfterMs: number;
    /** WORK_HOURS; undefined = always. */
    workHours: WorkHours | undefined;
    /** AWAY_MESSAGE: auto-reply to a buyer writing outside WORK_HOURS (once per chat per non-working stretch). */
    awayMessage?: string | undefined;
  };
  /** DIGEST_AT: when the daily digest is posted (in the bot's time zone); off when undefined. */
  digestAt: { hour: number; minute: number } | undefined;
}

export type TranslateConfig =
  | { provider: 'yandex'; apiKey: string; folderId: string | undefined; url: string }
  | { provider: 'deepl'; apiKey: string; url: string };

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** The language of the configuration's own lines: BOT_LANGUAGE when it is valid, else English. */
export function configLanguage(env: Record<string, string | undefined>): Lang {
  const lang = env.BOT_LANGUAGE?.trim();
  return isLang(lang) ? lang : 'en';
}

/**
 * A schema message: a `config.*` key of locales/ (rendered with the variable's name), or plain English from a
 * check that has no key yet.
 */
function configLine(name: string, message: string): string {
  return message.startsWith('config.') ? t(message, { name }) : `${name} ${message}`;
}

/** Parses an environment into a Config, or one readable line per bad variable (in BOT_LANGUAGE when it is valid). */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  return withLanguageNow(configLanguage(env), () => parseConfigHere(env));
}

function parseConfigHere(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return blankToUndefined(env[name]) === undefined
        ? t('config.required', { name })
        : issue.message.startsWith('Invalid')
          ? describeInvalid(name)
          : configLine(name, issue.message);
    });
    return { ok: false, errors: [...new Set(errors)] };
  }
  const e = parsed.data;
  const errors: string[] = [];
  let webhook: Config['telegram']['webhook'];
  if (e.AWAY_MESSAGE !== undefined && e.WORK_HOURS === undefined) errors.push('AWAY_MESSAGE needs WORK_HOURS (the auto-reply goes to buyers writing outside working hours)');
  if (e.BOT_MODE === 'webhook') {
    if (!e.WEBHOOK_URL) errors.push(t('config.requiredWhenWebhook', { name: 'WEBHOOK_URL' }));
    if (!e.WEBHOOK_SECRET) errors.push(t('config.requiredWhenWebhook', { name: 'WEBHOOK_SECRET' }));
    if (e.WEBHOOK_PORT === undefined) errors.push(t('config.requiredWhenWebhook', { name: 'WEBHOOK_PORT' }));
    if (e.WEBHOOK_URL && e.WEBHOOK_SECRET && e.WEBHOOK_PORT !== undefined) {
      webhook = { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, port: e.WEBHOOK_PORT };
    }
  }
  const translate = translateConfig(e, errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      telegram: {
        token: e.TELEGRAM_BOT_TOKEN,
        apiRoot: e.TELEGRAM_API_ROOT,
        adminIds: e.TELEGRAM_ADMIN_IDS,
        chatId: e.TELEGRAM_CHAT_ID,
        mode: e.BOT_MODE,
        webhook,
      },
      market: {
        apiKey: e.MARKET_API_KEY[0]!,
        apiKeys: e.MARKET_API_KEY,
        businessId: e.MARKET_BUSINESS_ID,
        apiUrl: e.MARKET_API_URL,
        notifyPort: e.MARKET_NOTIFY_PORT,
        notifyAllowIps: e.MARKET_NOTIFY_ALLOW_IPS,
        notifySecret: e.MARKET_NOTIFY_SECRET,
        pollIntervalMs: e.MARKET_POLL_INTERVAL_SECONDS * 1000,
        timeoutMs: e.MARKET_TIMEOUT_SECONDS * 1000,
      },
      databasePath: e.DATABASE_PATH,
      logLevel: e.LOG_LEVEL,
      logFormat: e.LOG_FORMAT,
      healthPort: e.HEALTH_PORT,
      httpHost: e.HTTP_HOST,
      language: e.BOT_LANGUAGE,
      timeZone: e.BOT_TIMEZONE,
      translate,
      feedbackPollMs: e.FEEDBACK_POLL_INTERVAL_SECONDS * 1000,
      desk: { remindAfterMs: Math.round(e.REMIND_AFTER_MINUTES * 60_000), workHours: e.WORK_HOURS, awayMessage: e.AWAY_MESSAGE },
      digestAt: e.DIGEST_AT,
    },
  };
}

/** The translation provider's settings, or one line per missing or stray variable. */
function translateConfig(e: z.infer<typeof envSchema>, errors: string[]): TranslateConfig | undefined {
  if (e.TRANSLATE_PROVIDER === undefined) {
    for (const name of ['YANDEX_TRANSLATE_API_KEY', 'DEEPL_API_KEY'] as const) {
      if (e[name] !== undefined) errors.push(`TRANSLATE_PROVIDER must be set (yandex or deepl) when ${name} is set`);
    }
    return undefined;
  }
  if (e.TRANSLATE_PROVIDER === 'yandex') {
    if (e.YANDEX_TRANSLATE_API_KEY === undefined) {
      errors.push('YANDEX_TRANSLATE_API_KEY is required when TRANSLATE_PROVIDER=yandex (a service account API key with the ai.translate.user role)');
      return undefined;
    }
    return { provider: 'yandex', apiKey: e.YANDEX_TRANSLATE_API_KEY, folderId: e.YANDEX_TRANSLATE_FOLDER_ID, url: e.YANDEX_TRANSLATE_URL };
  }
  if (e.DEEPL_API_KEY === undefined) {
    errors.push('DEEPL_API_KEY is required when TRANSLATE_PROVIDER=deepl (the key from your DeepL account page)');
    return undefined;
  }
  const url = e.DEEPL_API_URL ?? (e.DEEPL_API_KEY.endsWith(':fx') ? DEEPL_FREE_URL : DEEPL_PRO_URL);
  return { provider: 'deepl', apiKey: e.DEEPL_API_KEY, url };
}

function describeInvalid(name: string): string {
  const values: Record<string, string> = {
    LOG_LEVEL: 'fatal, error, warn, info, debug, trace, silent',
    BOT_MODE: 'polling, webhook',
    LOG_FORMAT: 'json, pretty',
    BOT_LANGUAGE: LANGUAGES.join(', '),
    TRANSLATE_PROVIDER: 'yandex, deepl',
  };
  return values[name] ? t('config.oneOf', { name, values: values[name] }) : t('config.invalid', { name });
}

/** Every secret value of the configuration, for the logger and the leak checks to scrub. */
export function secretValues(config: Config): string[] {
  return [config.telegram.token, ...config.market.apiKeys, config.market.notifySecret, config.telegram.webhook?.secret, config.translate?.apiKey].filter((s): s is string => !!s);
}

/** Reads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
