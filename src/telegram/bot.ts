/**
 * createBot builds the grammY bot: the API client (apiRoot from config, 429s retried by auto-retry, secrets
 * scrubbed from anything the bot writes), then the feature tree. Updates of one chat are handled in order.
 */
import { Bot, HttpError, type Context, type Transformer } from 'grammy';
import { sleep } from '../util/sleep.js';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import type { Config } from '../config.js';
import { secretScrubber, type Logger } from '../logger.js';
import { describe } from './echo.js';
import { decisions } from './features/decisions.js';
import { gate } from './features/gate.js';
import { help } from './features/help.js';
import { link } from './features/link.js';
import { relay } from './features/relay.js';
import { status } from './features/status.js';
import type { Services } from './services.js';

/** Methods whose repetition changes nothing (reading, setting a state): safe to retry after a dropped connection. */
const REPEATABLE = new Set([
  'getMe',
  'getChat',
  'getChatMember',
  'getFile',
  'setMyCommands',
  'deleteWebhook',
  'setWebhook',
  'setMessageReaction',
  'editMessageText',
  'editMessageReplyMarkup',
  'editForumTopic',
  'closeForumTopic',
  'reopenForumTopic',
  'deleteMessage',
  'answerCallbackQuery',
]);

export function createBot(config: Config, log: Logger, opts: { observe?: Transformer } = {}): Bot<Context> {
  const bot = new Bot<Context>(config.telegram.token, {
    client: { apiRoot: config.telegram.apiRoot, timeoutSeconds: 60 },
  });
  // Installed first, so it sees every attempt auto-retry makes (metrics and health).
  if (opts.observe) bot.api.config.use(opts.observe);
  // Telegram's 429 (about 20 messages a minute per group) and its short 5xx outages are waited out, not lost.
  // A dropped connection is different: Telegram may have acted, and resending a message would show it twice, so
  // auto-retry rethrows network errors and only calls that are safe to repeat are retried on them (below).
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowInternalServerErrors: false, rethrowHttpErrors: true }),
  );
  bot.api.config.use(async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (!(err instanceof HttpError) || !REPEATABLE.has(method) || attempt >= 4 || signal?.aborted) throw err;
        await sleep(250 * 2 ** attempt);
      }
    }
  });
  const scrub = secretScrubber([config.telegram.token, config.market.apiKey]);
  bot.api.config.use((prev, method, payload, signal) => {
    const p = payload as Record<string, unknown> | undefined;
    if (p && (typeof p.text === 'string' || typeof p.caption === 'string')) {
      const clean = { ...p };
      if (typeof p.text === 'string') clean.text = scrub(p.text);
      if (typeof p.caption === 'string') clean.caption = scrub(p.caption);
      return prev(method, clean as typeof payload, signal);
    }
    return prev(method, payload, signal);
  });
  bot.catch((err) => {
    log.error({ err: describe(err.error), updateId: err.ctx.update.update_id }, 'update handler failed');
  });
  return bot;
}

/** The feature tree, in the order an update meets it. */
export function mountFeatures(bot: Bot<Context>, s: Services): void {
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  bot.use(gate(s));
  bot.use(help(s), link(s), status(s), decisions(s), relay(s));
}
