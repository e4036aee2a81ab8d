/**
 * Issue 7, item 6: the bot's API client (createBot) against the fake Telegram. A 429 is waited out for every method
 * (Telegram did nothing); a 5xx is retried only for calls that are safe to repeat. A call that creates something
 * (a message, a photo, a document, a topic) is never repeated on a 5xx, because Telegram may have carried it out:
 * the caller's own "possibly shown twice" logic decides.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputFile } from 'grammy';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createBot } from '../../src/telegram/bot.js';
import { FakeMarket } from '../fakes/market.js';
import { FakeTelegram, TINY_PNG } from '../fakes/telegram.js';
import { fakesEnv } from '../helpers/env.js';

let tg: FakeTelegram;
let market: FakeMarket;
let dir: string;
beforeEach(async () => {
  tg = await FakeTelegram.start();
  market = await FakeMarket.start();
  dir = mkdtempSync(join(tmpdir(), 'tg-retry-'));
});
afterEach(async () => {
  await tg.stop();
  await market.stop();
  rmSync(dir, { recursive: true, force: true });
});

function bot() {
  const parsed = parseConfig(fakesEnv(tg, market, { adminIds: [1], databasePath: join(dir, 'db.sqlite'), logLevel: 'silent' }));
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return createBot(parsed.config, createLogger({ level: 'silent', secrets: [] }));
}

const callsOf = (method: string) => tg.calls.filter((c) => c.method === method);

describe('auto-retry in the bot’s API client', () => {
  it.each([
    ['sendMessage', (b: ReturnType<typeof bot>, chat: number) => b.api.sendMessage(chat, 'hello')],
    ['sendPhoto', (b: ReturnType<typeof bot>, chat: number) => b.api.sendPhoto(chat, new InputFile(TINY_PNG, 'a.png'))],
    ['sendDocument', (b: ReturnType<typeof bot>, chat: number) => b.api.sendDocument(chat, new InputFile(TINY_PNG, 'a.png'))],
    ['createForumTopic', (b: ReturnType<typeof bot>, chat: number) => b.api.createForumTopic(chat, 'Order 1')],
  ] as const)('%s answered 502: one call, the error reaches the caller', async (method, call) => {
    const group = tg.addGroup({ title: 'Shop', forum: true });
    tg.failNext(method, { kind: 'status', code: 502 });
    await expect(call(bot(), group.id)).rejects.toMatchObject({ error_code: 502 });
    await new Promise((r) => setTimeout(r, 3500)); // auto-retry's first 5xx backoff is 3 s
    expect(callsOf(method)).toHaveLength(1);
  });

  it('sendMessage answered 429: waited out and sent once', async () => {
    const group = tg.addGroup({ title: 'Shop', forum: true });
    tg.failNext('sendMessage', { kind: 'status', code: 429, retryAfter: 1 });
    await bot().api.sendMessage(group.id, 'hello');
    expect(callsOf('sendMessage').map((c) => c.ok)).toEqual([false, true]);
  });

  it('a call safe to repeat (editMessageText) is retried on a 502', async () => {
    const group = tg.addGroup({ title: 'Shop', forum: true });
    const b = bot();
    const sent = await b.api.sendMessage(group.id, 'hello');
    tg.failNext('editMessageText', { kind: 'status', code: 502 });
    await b.api.editMessageText(group.id, sent.message_id, 'hello again');
    expect(callsOf('editMessageText').map((c) => c.ok)).toEqual([false, true]);
  });
});
