/**
 * Webhook mode (BOT_MODE=webhook): Telegram POSTs updates to WEBHOOK_URL. Requests without the right
 * X-Telegram-Bot-Api-Secret-Token get 401 and are not stored. An update is answered 200 once it is stored in the
 * inbox, and handled from there (dispatch.ts), like in polling mode; if it cannot be stored the answer is 500 and
 * Telegram delivers it again. Answering at once also keeps Telegram's one-at-a-time delivery from waiting on a slow
 * handler.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { Route } from '../http-server.js';
import type { Logger } from '../logger.js';
import { describe } from './echo.js';
import { ALLOWED_UPDATES } from './polling.js';

/** Telegram's updates are small; anything much bigger is not from Telegram. */
const MAX_BODY_BYTES = 1024 * 1024;

export function webhookRoute(opts: {
  url: string;
  secret: string;
  log: Logger;
  /** Stores the update durably; throws if it could not. */
  store: (updates: Update[]) => void;
}): Route {
  const path = new URL(opts.url).pathname;
  const expected = digest(opts.secret);
  return {
    matches: (req: IncomingMessage) => req.method === 'POST' && (req.url ?? '').split('?')[0] === path,
    handle: async (req, res) => {
      const header = req.headers['x-telegram-bot-api-secret-token'];
      // Compared as digests: constant time, whatever the lengths.
      if (typeof header !== 'string' || !timingSafeEqual(digest(header), expected)) {
        req.resume();
        return answer(res, 401, '"unauthorized"');
      }
      const body = await readBody(req);
      if (body === undefined) return answer(res, 413, '"too large"');
      let update: Update;
      try {
        update = JSON.parse(body.toString('utf8')) as Update;
      } catch {
        return answer(res, 400, '"not json"');
      }
      if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) return answer(res, 400, '"not an update"');
      try {
        opts.store([update]);
      } catch (err) {
        opts.log.error({ err: describe(err), updateId: update.update_id }, 'could not store an update; Telegram will deliver it again');
        return answer(res, 500, '"not stored"');
      }
      answer(res, 200, '{}');
    },
  };
}

/** Registers the webhook with Telegram (the bridge's public URL and secret). */
export async function registerWebhook(bot: Bot<Context>, opts: { url: string; secret: string }): Promise<void> {
  await bot.api.setWebhook(opts.url, { secret_token: opts.secret, allowed_updates: [...ALLOWED_UPDATES] });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
