/** Reading a chat's history back from Market, for reconciliation (did our message arrive?). */
import type { Priority } from '../market/limits.js';
import type { ChatHistoryPage, ChatMessage, GetChatHistoryBody, GetChatHistoryQuery } from '../market/types.js';

/** What the history read needs from Market (MarketClient fits it). */
export interface HistoryMarket {
  getChatHistory(query: GetChatHistoryQuery, body: GetChatHistoryBody, priority?: Priority): Promise<ChatHistoryPage>;
}

/** A chat's history is read in pages of the spec's maximum size, and never further than this. */
const PAGE_LIMIT = 100;
const MAX_PAGES = 50;

export interface PartnerMessages {
  /** The shop's (PARTNER) messages with an id at or after `messageIdFrom`, in id order. */
  messages: ChatMessage[];
  /**
   * False when the pages ran out (MAX_PAGES) before Market said there were no more: what was not read may hold
   * the message, so the caller cannot tell (it must not conclude "not there").
   */
  complete: boolean;
}

/**
 * The shop's messages in `chatId` from message id `messageIdFrom` on (the whole history when undefined). The spec
 * promises no order within or across pages, so every page is read until Market gives no next page; nothing is
 * concluded from where a page starts or ends.
 */
export async function partnerMessagesFrom(
  market: HistoryMarket,
  chatId: number,
  messageIdFrom: number | undefined,
): Promise<PartnerMessages> {
  const found = new Map<number, ChatMessage>();
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await market.getChatHistory(
      { chatId, limit: PAGE_LIMIT, ...(pageToken ? { pageToken } : {}) },
      messageIdFrom !== undefined ? { messageIdFrom } : {},
      'relay',
    );
    for (const m of res.messages) {
      if (m.sender === 'PARTNER' && (messageIdFrom === undefined || m.messageId >= messageIdFrom)) found.set(m.messageId, m);
    }
    pageToken = res.paging?.nextPageToken;
    if (!pageToken) return { messages: [...found.values()].sort((a, b) => a.messageId - b.messageId), complete: true };
  }
  return { messages: [...found.values()].sort((a, b) => a.messageId - b.messageId), complete: false };
}
