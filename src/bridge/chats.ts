/**
 * Looking up a Market chat for the team (/link): the same core path as the relay, so a feature never calls the
 * Market client itself. The answer is a result, not an exception: a quota the bridge counted as used up is told
 * like Market's own refusal, and only a programming error still throws.
 */
import { MarketError } from '../market/errors.js';
import { QuotaExhausted } from '../market/limits.js';
import type { ChatInfo } from '../market/types.js';
import { t } from '../texts.js';
import { factsOf } from './sync-rules.js';

/** What the core needs from Market to look a chat up (GET chat, at the seller's priority). */
export interface ChatSource {
  getChat(chatId: number): Promise<ChatInfo>;
}

export type ChatLookup =
  | { ok: true; chat: ChatInfo }
  | { ok: false; error: MarketError };

export class MarketChats {
  constructor(private readonly source: ChatSource) {}

  async lookUp(chatId: number): Promise<ChatLookup> {
    try {
      return { ok: true, chat: await this.source.getChat(chatId) };
    } catch (err) {
      const e = err instanceof QuotaExhausted ? new MarketError('quota', 'no', { retryAt: err.until }) : err;
      if (e instanceof MarketError) return { ok: false, error: e };
      throw err;
    }
  }
}

/**
 * The title a topic takes when a person moves it to this chat: the sync's own title for the chat, without the
 * status marks (a topic a person linked keeps its look, so marks would go stale).
 */
export function topicTitleOf(chat: ChatInfo): string {
  const title = t('inbound.title', { chat: { ...factsOf(chat), skippedMessages: 0 }, waiting: false, dispute: false });
  const chars = Array.from(title);
  return chars.length <= TOPIC_TITLE_MAX ? title : `${chars.slice(0, TOPIC_TITLE_MAX - 1).join('')}…`;
}

/** Telegram's limit on a topic's name. */
const TOPIC_TITLE_MAX = 128;
