/**
 * Webhook mode (BOT_MODE=webhook): Telegram POSTs updates to WEBHOOK_URL. Requests without the right
 * X-Telegram-Bot-Api-Secret-Token get 401 and are not processed (grammY's webhookCallback checks it in constant
 * time). Telegram is answered only after the update's handler finished, so a crash before that makes Telegram
 * deliver it again, and the relay ledger drops the duplicate.
 */
import type { IncomingMessage } from 'node:http';
import { webhookCallback, type Bot, type Context } from 'grammy';
import type { Route } from '../http-server.js';
import { ALLOWED_UPDATES } from './polling.js';

export function webhookRoute(bot: Bot<Context>, opts: { url: string; secret: string }): Route {
  const path = new URL(opts.url).pathname;
  const callback = webhookCallback(bot, 'http', {
    secretToken: opts.secret,
    // Telegram waits up to a minute; answering with an error makes it retry, which the ledger makes harmless.
    onTimeout: 'throw',
    timeoutMilliseconds: 25_000,
  });
  return {
    matches: (req: IncomingMessage) => req.method === 'POST' && (req.url ?? '').split('?')[0] === path,
    handle: (req, res) => callback(req, res),
  };
}

/** Registers the webhook with Telegram (the bridge's public URL and secret). */
export async function registerWebhook(bot: Bot<Context>, opts: { url: string; secret: string }): Promise<void> {
  await bot.api.setWebhook(opts.url, { secret_token: opts.secret, allowed_updates: [...ALLOWED_UPDATES] });
}
