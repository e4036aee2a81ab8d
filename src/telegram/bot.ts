/**
 * createBot builds the grammY bot: the API client (apiRoot from config, 429s retried by auto-retry, secrets
 * scrubbed from anything the bot writes), then the feature tree. Updates of one chat are handled in order.
 */
import { Bot, type Context } from 'grammy';
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

export function createBot(config: Config, log: Logger): Bot<Context> {
  const bot = new Bot<Context>(config.telegram.token, {
    client: { apiRoot: config.telegram.apiRoot, timeoutSeconds: 60 },
  });
  // Telegram's 429 (about 20 messages a minute per group) and its short 5xx outages are waited out, not lost.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowInternalServerErrors: false }));
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
