/**
 * Helpers for the inbound sync's end-to-end tests: a harness whose TELEGRAM_CHAT_ID is a forum supergroup, an
 * ordinary group or the admin's private chat, with Telegram pacing lifted and polling slow unless a test asks.
 */
import type { Message } from 'grammy/types';
import type { BridgeOptions } from '../../src/app.js';
import type { Inbound } from '../../src/inbound.js';
import type { AddGroupOptions } from '../fakes/telegram.js';
import { ADMIN, Harness, type HarnessOptions } from './harness.js';

export const GROUP_ID = -1001234567890;

export const LIFTED_PACING = { groupPerMinute: 1_000_000, privatePerSecond: 1_000_000, globalPerSecond: 1_000_000 };

export interface SyncHarnessOptions {
  /** Where buyer chats appear (default a forum where the bot may manage topics). */
  target?: 'forum' | 'private' | 'group';
  group?: AddGroupOptions;
  /** Polling interval (default 60 s, so tests drive the sync with syncChat unless they test polling). */
  intervalMs?: number;
  bridge?: BridgeOptions;
  market?: HarnessOptions['market'];
  telegram?: HarnessOptions['telegram'];
  /** More environment (e.g. MARKET_NOTIFY_PORT for the notification tests). */
  env?: Record<string, string>;
  /** Prepare the fakes before the bridge starts (e.g. chats that exist before the first start). */
  before?(h: Harness): void;
}

export async function syncHarness(o: SyncHarnessOptions = {}): Promise<{ h: Harness; tgChatId: number }> {
  const target = o.target ?? 'forum';
  const tgChatId = target === 'private' ? ADMIN.id : GROUP_ID;
  const h = await Harness.create({
    env: { TELEGRAM_CHAT_ID: String(tgChatId), ...o.env },
    market: o.market,
    telegram: o.telegram,
    start: false,
    bridge: {
      ...o.bridge,
      inbound: {
        pacing: LIFTED_PACING,
        ...o.bridge?.inbound,
        sync: { intervalMs: o.intervalMs ?? 60_000, ...o.bridge?.inbound?.sync },
      },
    },
  });
  if (target === 'private') h.tg.addPrivateChat(ADMIN);
  else {
    const type = target === 'group' ? 'group' : 'supergroup';
    h.tg.addGroup({ id: tgChatId, title: 'Shop team', type, forum: target === 'forum', ...o.group });
  }
  o.before?.(h);
  await h.start();
  return { h, tgChatId };
}

export function inbound(h: Harness): Inbound {
  const i = h.bridge?.inbound;
  if (!i) throw new Error('the inbound sync is not running');
  return i;
}

/** Syncs a chat as a push notification would, and waits until everything it queued has gone out. */
export async function syncNow(h: Harness, chatId: number, reason = 'test'): Promise<void> {
  await inbound(h).syncChat(chatId, reason);
  await settle(h);
}

export async function settle(h: Harness): Promise<void> {
  await inbound(h).sync.idle();
  await inbound(h).outbox.idle();
}

/** Texts (or captions) of the bot's messages in a chat or one of its topics, in order. */
export function botTexts(h: Harness, tgChatId: number, threadId?: number): string[] {
  return h.tg.botMessages(tgChatId, threadId).map((m) => m.text ?? m.caption ?? '');
}

/** The topics the bot created in the group that still exist. */
export function liveTopics(h: Harness, tgChatId = GROUP_ID) {
  return h.tg.topics(tgChatId).filter((t) => t.createdByBot && !t.deleted);
}

/** Waits for the bot's message whose text or caption contains `needle`. */
export function botMessageWith(h: Harness, needle: string, timeoutMs = 5000): Promise<Message> {
  return h.tg.waitForBotMessage((m) => (m.text ?? m.caption ?? '').includes(needle), timeoutMs);
}

/** A time `ms` ago as Market writes it (ISO 8601 with Moscow's offset). */
export function marketTimeAgo(ms: number): string {
  return new Date(Date.now() - ms + 3 * 3_600_000).toISOString().replace('Z', '+03:00');
}
