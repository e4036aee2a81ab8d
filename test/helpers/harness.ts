/**
 * End-to-end harness: the real wiring (startBridge, the code `npm start` runs) against the fake Telegram and fake
 * Market servers on loopback, with a real SQLite file in a temporary directory. Logs are captured so tests can
 * check them (and that no secret ever appears in them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import Database from 'better-sqlite3';
import type { Message, Update, User } from 'grammy/types';
import { parseConfig, secretValues, type Config } from '../../src/config.js';
import { startBridge, type Bridge, type BridgeOptions } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { FakeMarket, type ChatInfo as FakeChatInfo, type FakeMarketOptions, type RecordedRequest } from '../fakes/market.js';
import { FakeTelegram, type FakeTelegramOptions } from '../fakes/telegram.js';
import { fakesEnv } from './env.js';

export const ADMIN: User = { id: 111, is_bot: false, first_name: 'Anna', username: 'anna_shop' };
export const TEAMMATE: User = { id: 112, is_bot: false, first_name: 'Boris' };
export const OUTSIDER: User = { id: 999, is_bot: false, first_name: 'Mallory' };

export interface HarnessOptions {
  env?: Record<string, string>;
  market?: FakeMarketOptions;
  /** Options of the fake Telegram (e.g. `privateTopics`). */
  telegram?: FakeTelegramOptions;
  bridge?: BridgeOptions;
  /** Start the bridge right away (default true). */
  start?: boolean;
}

export class Harness {
  bridge: Bridge | undefined;
  readonly logs: string[] = [];
  private constructor(
    readonly tg: FakeTelegram,
    readonly market: FakeMarket,
    readonly dir: string,
    readonly config: Config,
    private readonly bridgeOptions: BridgeOptions,
  ) {}

  static async create(opts: HarnessOptions = {}): Promise<Harness> {
    const tg = await FakeTelegram.start(opts.telegram);
    const market = await FakeMarket.start(opts.market);
    const dir = mkdtempSync(join(tmpdir(), 'market-bridge-'));
    const parsed = parseConfig(
      fakesEnv(
        tg,
        market,
        { adminIds: [ADMIN.id, TEAMMATE.id], databasePath: join(dir, 'bridge.sqlite'), logLevel: 'debug' },
        opts.env,
      ),
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const h = new Harness(tg, market, dir, parsed.config, {
      marketTimeoutMs: 400,
      pollTimeoutSeconds: 1,
      shutdownGraceMs: 1000,
      ...opts.bridge,
      // A send that timed out (400 ms) is reconciled by history only after 1.5 s: the fake Market runs in the test's
      // own process, and on a loaded machine it may execute a request it read late (as Market may: production waits
      // marketTimeoutMs + 10 s). At 500 ms a loaded run could read the history before the fake had executed the send.
      relayPolicy: { backoffMs: () => 20, noticeAfterMs: 0, reconcileAfterMs: 1500, ...opts.bridge?.relayPolicy },
    });
    if (opts.start !== false) await h.start();
    return h;
  }

  /** Starts the bridge; `overrides` replace this run's bridge options (e.g. Telegram pacing for one run). */
  async start(overrides: BridgeOptions = {}): Promise<Bridge> {
    const log = createLogger({
      level: 'debug',
      secrets: secretValues(this.config),
      destination: { write: (line: string) => void this.logs.push(line) },
    });
    this.bridge = await startBridge(this.config, { ...this.bridgeOptions, ...overrides, log });
    return this.bridge;
  }

  async stop(): Promise<void> {
    await this.bridge?.stop();
    this.bridge = undefined;
  }

  async restart(overrides: BridgeOptions = {}): Promise<Bridge> {
    await this.stop();
    return this.start(overrides);
  }

  /** Stops everything; fails the test if Market saw a request outside the spec or a secret reached the logs. */
  async close(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await this.tg.stop();
      await this.market.stop();
      rmSync(this.dir, { recursive: true, force: true });
    }
    expect(this.market.violations, 'requests that break the official spec').toEqual([]);
    this.expectNoSecretsInLogs();
  }

  expectNoSecretsInLogs(): void {
    const all = this.logs.join('');
    expect(all.includes(this.config.telegram.token), 'bot token in logs').toBe(false);
    expect(all.includes(this.config.market.apiKey), 'Api-Key in logs').toBe(false);
    const notifySecret = this.config.market.notifySecret;
    if (notifySecret) expect(all.includes(notifySecret), 'MARKET_NOTIFY_SECRET in logs').toBe(false);
  }

  /** A forum supergroup with a topic, like a team's shop group. */
  forum(name = 'Order chat'): { chatId: number; threadId: number } {
    const chat = this.tg.addGroup({ title: 'Shop team', forum: true });
    const topic = this.tg.createTopic(chat.id, name);
    return { chatId: chat.id, threadId: topic.message_thread_id };
  }

  /** `/link <id>` by the admin in a topic; resolves with the bot's card. */
  async linkTopic(chatId: number, threadId: number, marketChatId: number): Promise<Message> {
    const cmd = this.tg.userSends({ chatId, threadId, from: ADMIN, text: `/link ${marketChatId}`, entities: [cmd0(`/link`)] });
    return this.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === cmd.message_id);
  }

  /** Waits until the bot answered a given message (reply) and returns the answer. */
  replyTo(chatId: number, messageId: number, timeoutMs?: number): Promise<Message> {
    return this.tg.waitForBotMessage((m) => m.chat.id === chatId && m.reply_to_message?.message_id === messageId, timeoutMs);
  }

  /** Waits until the bot set a reaction on the message. */
  async reacted(chatId: number, messageId: number, timeoutMs = 5000): Promise<string[]> {
    await this.tg.waitForCall(
      'setMessageReaction',
      (c) => c.params.chat_id === chatId && c.params.message_id === messageId && c.ok,
      timeoutMs,
    );
    return this.tg.reactions(chatId, messageId);
  }

  /** Every update so far has been handled and confirmed. */
  async settled(timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.tg.pendingUpdates() > 0) {
      if (Date.now() > end) throw new Error(`${this.tg.pendingUpdates()} updates still unconfirmed`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Confirmed means stored in the inbox; handled means gone from its pending rows.
    while (this.bridge && this.rows<{ n: number }>("SELECT count(*) AS n FROM inbox WHERE state = 'pending'")[0]!.n > 0) {
      if (Date.now() > end) throw new Error('updates still waiting in the inbox');
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.bridge?.relay.idle();
  }

  /** The SQLite file the bridge writes. */
  get dbPath(): string {
    return this.config.databasePath;
  }

  /** Runs a read query on the bridge's SQLite file (through the running bridge, or a read-only connection). */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    if (this.bridge?.db.sqlite.open) return this.bridge.db.sqlite.prepare(sql).all(...params) as T[];
    const db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** The relay ledger row of one Telegram message, if any. */
  relayRow(tgChatId: number, tgMessageId: number): RelayLedgerRow | undefined {
    return this.rows<RelayLedgerRow>('SELECT * FROM relays WHERE tg_chat_id = ? AND tg_message_id = ?', tgChatId, tgMessageId)[0];
  }

  /**
   * The next send gets Market's 420 with X-RateLimit-Resource-Until about `ms` ahead (rounded up to a whole
   * second: RFC 822 dates have no fractions); returns that time.
   */
  rateLimitNextSend(ms: number): number {
    const until = Math.ceil((Date.now() + ms) / 1000) * 1000;
    this.market.failNext('sendMessageToChat', {
      kind: 'status',
      status: 420,
      headers: { 'X-RateLimit-Resource-Until': new Date(until).toUTCString() },
    });
    return until;
  }

  /** The sequence of sends (S) and history reads (H) Market saw, e.g. "S H S H S H". */
  sendAndHistory(): string {
    return this.market.requests
      .filter((r) => r.operationId === 'sendMessageToChat' || r.operationId === 'getChatHistory')
      .map((r) => (r.operationId === 'sendMessageToChat' ? 'S' : 'H'))
      .join(' ');
  }

  /** sendMessageToChat requests Market received (answered or not), optionally only those for one chat. */
  sends(marketChatId?: number): RecordedRequest[] {
    return this.market.requests.filter(
      (r) => r.operationId === 'sendMessageToChat' && (marketChatId === undefined || r.query.chatId === String(marketChatId)),
    );
  }

  /** Market requests of one operation, in arrival order. */
  requestsOf(op: NonNullable<RecordedRequest['operationId']>): RecordedRequest[] {
    return this.market.requests.filter((r) => r.operationId === op);
  }

  /** Polls `check` (every 20 ms) until it returns something other than undefined or false. */
  async until<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`Harness.until: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A person (the admin by default) writes `text` in a chat or topic. */
  says(chatId: number, threadId: number | undefined, text: string, from: User = ADMIN, replyTo?: number): Message {
    return this.tg.userSends({ chatId, from, text, ...(threadId !== undefined ? { threadId } : {}), ...(replyTo !== undefined ? { replyTo } : {}) });
  }

  /** A Market chat, a forum topic, and the admin's `/link` between them (the usual starting point of a test). */
  async linkedTopic(p: { customerName?: string; topic?: string } = {}): Promise<{
    market: FakeChatInfo;
    chatId: number;
    threadId: number;
    card: Message;
  }> {
    const market = this.market.addChat({ customerName: p.customerName ?? 'Ivan' });
    const { chatId, threadId } = this.forum(p.topic);
    const card = await this.linkTopic(chatId, threadId, market.chatId);
    if (!card.text?.includes(`Linked to Market chat ${market.chatId}`)) throw new Error(`link failed: ${card.text}`);
    return { market, chatId, threadId, card };
  }

  /** The first bot message in `chatId` sent after message `afterId` (optionally in one topic), waiting for it. */
  answerAfter(chatId: number, afterId: number, threadId?: number, timeoutMs?: number): Promise<Message> {
    return this.tg.waitForBotMessage(
      (m) => m.chat.id === chatId && m.message_id > afterId && (threadId === undefined || m.message_thread_id === threadId),
      timeoutMs,
    );
  }

  /** Bot messages that reply to message `messageId` of `chatId`. */
  repliesTo(chatId: number, messageId: number): Message[] {
    return this.tg.botMessages(chatId).filter((m) => m.reply_to_message?.message_id === messageId);
  }

  /** Telegram delivers `message` again (as after a crash before the offset moved); returns the new update_id. */
  redeliver(message: Message): number {
    return this.tg.injectUpdate({ message } as Omit<Update, 'update_id'>);
  }

  /** Every text the bot has sent so far (edits applied), for checks across all chats. */
  botTexts(): string[] {
    return this.tg.botMessages().map((m) => m.text ?? m.caption ?? '');
  }
}

/** A row of the `relays` table as SQLite returns it (snake_case columns). */
export interface RelayLedgerRow {
  id: number;
  tg_chat_id: number;
  tg_message_id: number;
  tg_thread_id: number | null;
  tg_user_id: number;
  market_chat_id: number;
  kind: string;
  text: string | null;
  state: string;
  attempts: number;
  not_before: number | null;
  http_status: number | null;
  error_code: string | null;
  error_message: string | null;
  attempt_started_at: number | null;
  delivered_at: number | null;
  notice_message_id: number | null;
  edit_notice_sent: number;
  echoed_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A bot_command entity at the start of the text. */
export function cmd0(command: string) {
  return { type: 'bot_command' as const, offset: 0, length: command.length };
}

export const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));
