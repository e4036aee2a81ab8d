/**
 * Environment -> typed, validated configuration. Validated once at start-up; every bad variable gets its own
 * line naming it, and no line ever repeats a secret's value.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';
const DEFAULT_MARKET_API_URL = 'https://api.partner.market.yandex.ru';
export const DEFAULT_DATABASE_PATH = 'data/bridge.sqlite';

/** Treat `VAR=` (as left by copying .env.example) the same as an unset variable. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
/** A missing required variable is reported as such in parseConfig, whatever the schema would say. */
const required = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema);

const positiveInt = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]*$/, 'must be a positive integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'is too large');

const telegramChatId = z
  .string()
  .trim()
  .regex(/^-?[1-9][0-9]*$/, 'must be a numeric Telegram chat id (e.g. -1001234567890)')
  .transform(Number)
  .refine(Number.isSafeInteger, 'is too large');

const port = z
  .string()
  .trim()
  .regex(/^[0-9]+$/, 'must be a port number')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 65535, 'must be a port number (0-65535)');

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
  }, 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

/** Ids Telegram puts in `from` for messages that are not from a person. */
const NOT_PEOPLE = new Set([1087968824, 136817688, 777000]);

const adminIds = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .refine((ids) => ids.length > 0, 'must list at least one Telegram user id')
  .refine((ids) => ids.every((id) => /^[1-9][0-9]*$/.test(id)), 'must be comma-separated numeric Telegram user ids')
  // Telegram's placeholders in `from` (@GroupAnonymousBot, @Channel_Bot, Telegram's service account) are nobody:
  // listing one would let anyone who writes anonymously act as the team.
  .refine(
    (ids) => !ids.some((id) => NOT_PEOPLE.has(Number(id))),
    'must list people: 1087968824 is Telegram’s stand-in for anonymous group admins (and 136817688 for channels, 777000 for Telegram itself), who cannot be identified; remove it, and have admins turn off “Remain anonymous” to write to buyers',
  )
  .transform((ids) => new Set(ids.map(Number)));

const ipList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .refine((l) => l.every((c) => /^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/.test(c)), 'must be comma-separated IPs or CIDR ranges');

const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: required(
    z.string().trim().regex(/^[0-9]+:[A-Za-z0-9_-]+$/, 'does not look like a bot token from @BotFather (123456:ABC-…)'),
  ),
  TELEGRAM_API_ROOT: optional(httpUrl).default(DEFAULT_TELEGRAM_API_ROOT),
  TELEGRAM_ADMIN_IDS: required(adminIds),
  TELEGRAM_CHAT_ID: optional(telegramChatId),
  MARKET_API_KEY: required(z.string().trim().regex(/^\S+$/, 'must not contain spaces (paste the key without "Bearer")')),
  MARKET_BUSINESS_ID: required(positiveInt),
  MARKET_API_URL: optional(httpUrl).default(DEFAULT_MARKET_API_URL),
  MARKET_NOTIFY_PORT: optional(port),
  MARKET_NOTIFY_ALLOW_IPS: optional(ipList),
  // A path segment of the URL registered in the cabinet: URL-safe and long enough not to be guessed.
  MARKET_NOTIFY_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -'),
  ),
  MARKET_POLL_INTERVAL_SECONDS: optional(positiveInt).default(60),
  MARKET_TIMEOUT_SECONDS: optional(positiveInt).default(15),
  DATABASE_PATH: optional(z.string().trim()).default(DEFAULT_DATABASE_PATH),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
  BOT_MODE: optional(z.enum(['polling', 'webhook'])).default('polling'),
  WEBHOOK_URL: optional(httpUrl),
  WEBHOOK_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -'),
  ),
  WEBHOOK_PORT: optional(port),
  HEALTH_PORT: optional(port),
  HTTP_HOST: optional(z.string().trim().regex(/^[0-9A-Za-z.:_-]+$/, 'must be a host name or IP address (e.g. 127.0.0.1)')),
  LOG_FORMAT: optional(z.enum(['json', 'pretty'])),
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
    apiKey: string;
    businessId: number;
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
  /** DIGEST_AT: when the daily digest is posted (in the bot's time zone); off when undefined. */
  digestAt: { hour: number; minute: number } | undefined;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Parses an environment into a Config, or one readable line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const message =
        blankToUndefined(env[name]) === undefined
          ? 'is required'
          : issue.message.startsWith('Invalid')
            ? describeInvalid(name)
            : issue.message;
      return `${name} ${message}`;
    });
    return { ok: false, errors: [...new Set(errors)] };
  }
  const e = parsed.data;
  const errors: string[] = [];
  let webhook: Config['telegram']['webhook'];
  if (e.BOT_MODE === 'webhook') {
    if (!e.WEBHOOK_URL) errors.push('WEBHOOK_URL is required when BOT_MODE=webhook');
    if (!e.WEBHOOK_SECRET) errors.push('WEBHOOK_SECRET is required when BOT_MODE=webhook');
    if (e.WEBHOOK_PORT === undefined) errors.push('WEBHOOK_PORT is required when BOT_MODE=webhook');
    if (e.WEBHOOK_URL && e.WEBHOOK_SECRET && e.WEBHOOK_PORT !== undefined) {
      webhook = { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, port: e.WEBHOOK_PORT };
    }
  }
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
        apiKey: e.MARKET_API_KEY,
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
      digestAt: e.DIGEST_AT,
    },
  };
}

function describeInvalid(name: string): string {
  return name === 'LOG_LEVEL'
    ? 'must be one of fatal, error, warn, info, debug, trace, silent'
    : name === 'BOT_MODE'
      ? 'must be polling or webhook'
      : name === 'LOG_FORMAT'
        ? 'must be json or pretty'
        : 'is invalid';
}

/** Every secret value of the configuration, for the logger and the leak checks to scrub. */
export function secretValues(config: Config): string[] {
  return [config.telegram.token, config.market.apiKey, config.market.notifySecret, config.telegram.webhook?.secret].filter((s): s is string => !!s);
}

/** Reads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
