/** Reading a chat's history back from Market, for reconciliation (did our message arrive?). */
import type { MarketClient } from '../market/client.js';
import type { ChatMessage } from '../market/types.js';

/** A chat's history is read in pages of the spec's maximum size, and never further than this. */
const PAGE_LIMIT = 100;
const MAX_PAGES = 50;

/**
 * The shop's (PARTNER) messages in `chatId` created at or after `since`. The spec does not say in which order
 * history pages come, so the order is detected: newest-first pages let the walk stop at the first page that
 * reaches back past `since`; otherwise every page is read (bounded by MAX_PAGES).
 */
export async function partnerMessagesSince(
  market: Pick<MarketClient, 'getChatHistory'>,
  chatId: number,
  since: number,
  messageIdFrom?: number,
): Promise<ChatMessage[]> {
  const found: ChatMessage[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await market.getChatHistory(
      { chatId, limit: PAGE_LIMIT, ...(pageToken ? { pageToken } : {}) },
      messageIdFrom !== undefined ? { messageIdFrom } : {},
      'relay',
    );
    for (const m of res.messages) {
      if (m.sender === 'PARTNER' && Date.parse(m.createdAt) >= since) found.push(m);
    }
    pageToken = res.paging?.nextPageToken;
    if (!pageToken || res.messages.length === 0) break;
    const ids = res.messages.map((m) => m.messageId);
    const newestFirst = ids.every((id, i) => i === 0 || id < ids[i - 1]!);
    const oldest = res.messages[res.messages.length - 1]!;
    if (newestFirst && Date.parse(oldest.createdAt) < since) break;
  }
  return found;
}
