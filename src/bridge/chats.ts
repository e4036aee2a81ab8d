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
  return fitTopicTitle(t('inbound.title', { chat: { ...factsOf(chat), skippedMessages: 0 }, waiting: false, dispute: false }));
}

/** Telegram's limit on a topic's name, in UTF-16 code units as Telegram counts them. */
const TOPIC_TITLE_MAX = 128;

/** A topic name Telegram accepts: cut with an ellipsis, never through a surrogate pair. */
export function fitTopicTitle(title: string): string {
  if (title.length <= TOPIC_TITLE_MAX) return title;
  let cut = TOPIC_TITLE_MAX - 1;
  const code = title.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${title.slice(0, cut)}…`;
}
