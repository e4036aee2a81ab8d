/**
 * Long polling with @grammyjs/runner, with one change to when updates are confirmed. The stock fetcher confirms
 * a batch (offset = last + 1) as soon as it fetches the next one, so a crash loses every fetched update not yet
 * handled. Here the offset only moves past an update once its handler has finished (the relay is recorded in
 * SQLite by then), so after a crash Telegram delivers the rest again and the relay ledger drops the duplicates.
 */
import type { Bot, Context } from 'grammy';
import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import {
  createConcurrentSink,
  createRunner,
  createSource,
  type RunnerHandle,
  type UpdateSupplier,
} from '@grammyjs/runner';
import type { Logger } from '../logger.js';
import { sleep } from '../util/sleep.js';
import { describe } from './echo.js';

export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export interface PollingOptions {
  /** Long-poll timeout in seconds (Telegram holds the request this long when there is nothing new). */
  timeoutSeconds?: number;
  log: Logger;
}

export function startPolling(bot: Bot<Context>, opts: PollingOptions): RunnerHandle {
  const handling = new Set<number>();
  let nextId = 0;
  let finished: () => void = () => undefined;

  const supplier: UpdateSupplier<Update> = {
    supply: async (batchSize, runnerSignal): Promise<Update[]> => {
      // The runner types its signal with a polyfill; at run time it is Node's own AbortSignal.
      const signal = runnerSignal as unknown as AbortSignal;
      let retryIn = 250;
      for (;;) {
        try {
          await bot.init();
          // Wait for a handler to finish instead of asking again for updates we already hold.
          const offset = handling.size > 0 ? Math.min(...handling) : nextId;
          const updates = await bot.api.getUpdates(
            {
              offset,
              limit: Math.max(1, Math.min(batchSize, 100)),
              timeout: handling.size > 0 ? 0 : (opts.timeoutSeconds ?? 30),
              allowed_updates: [...ALLOWED_UPDATES],
            },
            runnerSignal,
          );
          const fresh = updates.filter((u) => u.update_id >= nextId);
          for (const u of fresh) handling.add(u.update_id);
          const last = updates[updates.length - 1];
          if (last) nextId = Math.max(nextId, last.update_id + 1);
          if (fresh.length === 0 && handling.size > 0) {
            await Promise.race([new Promise<void>((r) => (finished = r)), sleep(250, signal)]);
          }
          return fresh;
        } catch (err) {
          if (signal.aborted) throw err;
          if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 409)) {
            opts.log.fatal({ err: describe(err) }, 'Telegram refused getUpdates; polling stops');
            throw err;
          }
          opts.log.warn({ err: describe(err), retryIn }, 'getUpdates failed; retrying');
          await sleep(retryIn, signal);
          retryIn = Math.min(retryIn * 2, 30_000);
        }
      }
    },
  };

  const sink = createConcurrentSink<Update>(
    {
      consume: async (update) => {
        try {
          await bot.handleUpdate(update);
        } finally {
          handling.delete(update.update_id);
          finished();
        }
      },
    },
    async (err) => {
      await bot.errorHandler(err as Parameters<typeof bot.errorHandler>[0]);
    },
  );
  const runner = createRunner(createSource(supplier), sink);
  runner.start();
  return runner;
}
