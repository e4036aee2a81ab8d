/**
 * Long polling. Each batch from getUpdates is stored in the inbox (one SQLite transaction) before the next call's
 * offset confirms it to Telegram; handling happens from the inbox (dispatch.ts), so the offset never waits for a
 * handler and a slow chat cannot hold back the others. If a batch cannot be stored, the offset stays and Telegram
 * delivers it again.
 *
 * (@grammyjs/runner's fetcher moves the offset as soon as a batch is fetched, and its sinks tie fetching to
 * handling; with the inbox in between there is nothing left for them to do, so this is a plain loop.)
 */
import type { Bot, Context } from 'grammy';
import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import { t } from '../texts.js';
import { sleep } from '../util/sleep.js';
import { describe } from './echo.js';

export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export interface PollingOptions {
  /** Long-poll timeout in seconds (Telegram holds the request this long when there is nothing new). */
  timeoutSeconds?: number;
  log: Logger;
  /** Stores a batch durably; throws if it could not (then the batch is not confirmed). */
  store: (updates: Update[]) => void;
  /** Telegram refused getUpdates for good (401, 409): polling has stopped; `line` says what to do. */
  onFatal: (line: string) => void;
}

export interface Polling {
  stop(): Promise<void>;
}

/** grammY types its signals with a polyfill; at run time Node's own AbortSignal is what it uses. */
type ApiSignal = Parameters<Bot<Context>['api']['getUpdates']>[1];

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;

/** The one line a seller reads when getUpdates is refused for good. */
export function refusalLine(err: GrammyError): string {
  const p = { status: err.error_code, description: err.description };
  return err.error_code === 401 ? t('fatal.tokenRevoked', p) : t('fatal.conflict', p);
}

export function startPolling(bot: Bot<Context>, opts: PollingOptions): Polling {
  const ac = new AbortController();
  let offset: number | undefined;

  const loop = async (): Promise<void> => {
    let retryIn = RETRY_FIRST_MS;
    const backoff = async () => {
      await sleep(retryIn, ac.signal);
      retryIn = Math.min(retryIn * 2, RETRY_MAX_MS);
    };
    while (!ac.signal.aborted) {
      let updates: Update[];
      try {
        updates = await bot.api.getUpdates(
          { offset, limit: 100, timeout: opts.timeoutSeconds ?? 30, allowed_updates: [...ALLOWED_UPDATES] },
          ac.signal as unknown as ApiSignal,
        );
      } catch (err) {
        if (ac.signal.aborted) return;
        if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 409)) {
          opts.log.fatal({ err: describe(err) }, 'Telegram refused getUpdates; polling stops');
          opts.onFatal(refusalLine(err));
          return;
        }
        opts.log.warn({ err: describe(err), retryIn }, 'getUpdates failed; retrying');
        await backoff();
        continue;
      }
      if (updates.length === 0) {
        retryIn = RETRY_FIRST_MS;
        continue;
      }
      try {
        opts.store(updates);
      } catch (err) {
        // Not confirmed: the same offset asks Telegram for these updates again.
        opts.log.error({ err: describe(err), updates: updates.length, retryIn }, 'could not store updates; Telegram will deliver them again');
        await backoff();
        continue;
      }
      retryIn = RETRY_FIRST_MS;
      offset = updates[updates.length - 1]!.update_id + 1;
      // The next getUpdates waits one turn of the event loop: the handlers that storing started (a relay on its way
      // to Market) write their requests first, instead of sharing the microtask queue with building this one.
      await new Promise((r) => setImmediate(r));
    }
  };

  const running = loop().catch((err: unknown) => {
    // An abort lands here (sleep rejects with the signal's reason); anything else is a bug, and stops the bridge.
    if (ac.signal.aborted) return;
    opts.log.fatal({ err: describe(err) }, 'polling stopped unexpectedly');
    opts.onFatal(t('fatal.pollingStopped', { detail: describe(err).message }));
  });
  return {
    stop: async () => {
      ac.abort();
      await running;
      // Confirms the last stored batch, so the next start is not sent it again (the inbox would drop it anyway).
      if (offset !== undefined) {
        await bot.api.getUpdates({ offset, limit: 1, timeout: 0 }, AbortSignal.timeout(2_000) as unknown as ApiSignal).catch(() => undefined);
      }
    },
  };
}
