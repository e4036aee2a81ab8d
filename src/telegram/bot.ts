/**
 * createBot builds the grammY bot: the API client (apiRoot from config, 429s retried by auto-retry, secrets
 * scrubbed from anything the bot writes), then the feature tree. Updates of one chat are handled in order.
 */
import { Bot, HttpError, type Context, type Transformer } from 'grammy';
import { sleep } from '../util/sleep.js';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { secretValues, type Config } from '../config.js';
import { secretScrubber, type Logger } from '../logger.js';
import { chatKey } from './dispatch.js';
import { describe } from './echo.js';
import { decisions } from './features/decisions.js';
import { feedback } from './features/feedback.js';
import { desk } from './features/desk.js';
import { gate } from './features/gate.js';
import { help } from './features/help.js';
import { id } from './features/id.js';
import { join } from './features/join.js';
import { setup } from './features/setup.js';
import { team } from './features/team.js';
import { language } from './features/language.js';
import { link } from './features/link.js';
import { migration } from './features/migration.js';
import { membership } from './features/membership.js';
import { relay } from './features/relay.js';
import { status } from './features/status.js';
import { translate } from './features/translate.js';
import { templates } from './features/templates.js';
import { stats } from './features/stats.js';
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

/**
 * Calls that create something each time they run: repeating one after Telegram may have done it (a 5xx, a dropped
 * connection) shows it twice. Only a 429 (Telegram refused it) is retried for these.
 */
export const NOT_REPEATABLE = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendMediaGroup',
  'copyMessage',
  'forwardMessage',
  'createForumTopic',
]);

export function createBot(config: Config, log: Logger, opts: { observe?: Transformer } = {}): Bot<Context> {
  const bot = new Bot<Context>(config.telegram.token, {
    client: { apiRoot: config.telegram.apiRoot, timeoutSeconds: 60 },
  });
  // Installed first, so it sees every attempt auto-retry makes (metrics and health).
  if (opts.observe) bot.api.config.use(opts.observe);
  // Telegram's 429 (about 20 messages a minute per group) is waited out, not lost: Telegram did nothing. A 5xx or a
  // dropped connection is different: Telegram may have acted, and repeating a post would show it twice. So a call
  // that creates something (a message, a topic) is never repeated on either; its caller decides (the echo and the
  // inbound sync mark a second post "↻ Possibly shown twice"). auto-retry has no per-method switch, hence two.
  const retryAll = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowInternalServerErrors: false, rethrowHttpErrors: true });
  const retry429Only = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowInternalServerErrors: true, rethrowHttpErrors: true });
  bot.api.config.use((prev, method, payload, signal) =>
    (NOT_REPEATABLE.has(method) ? retry429Only : retryAll)(prev, method, payload, signal),
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
  const scrub = secretScrubber(secretValues(config));
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
  // The same key the inbox dispatcher orders by (a chat, or a forum topic in it).
  bot.use(sequentialize((ctx: Context) => chatKey(ctx.update)));
  bot.use(migration(s)); // before the gate: a new supergroup id is unknown to it until the move is recorded
  bot.use(join(s)); // before the gate: an outsider who adds the bot is answered by the bot leaving
  bot.use(id(s)); // before the gate: anyone may ask for their ids
  bot.use(gate(s));
  bot.use(membership(s));
  bot.use(desk(s)); // first: it notes who on the team writes, then passes every message on
  bot.use(team(s), setup(s));
  bot.use(help(s), language(s), link(s), status(s), stats(s), decisions(s), translate(s), feedback(s), templates(s), relay(s));
}
