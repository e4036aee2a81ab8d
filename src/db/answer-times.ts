/**
 * Stored times the answer statistics (/stats, the daily digest) are computed from: buyer messages the sync recorded
 * (inbound_messages CUSTOMER) against shop messages (inbound_messages PARTNER, which includes the bridge's own relays
 * once the sync has seen them, and cabinet replies), plus relays Market accepted that the sync has not seen yet.
 *
 * Several shops: once the tables carry business_id, each query below gets `and business_id = :businessId` on the
 * lines marked "business".
 */
import { sql } from 'drizzle-orm';
import type { Db } from './open.js';

export interface AnswerEventRow {
  marketChatId: number;
  at: number;
  by: 'buyer' | 'shop';
}

/** Every buyer and shop message since `sinceMs` (Unix ms), per chat in Market's order. */
export function answerEvents(db: Db, p: { businessId: number; sinceMs: number }): AnswerEventRow[] {
  void p.businessId;
  return db.all<AnswerEventRow>(sql`
    select market_chat_id as marketChatId, at, by from (
      select market_chat_id, created_at as at, case sender when 'CUSTOMER' then 'buyer' else 'shop' end as by,
             market_message_id as ord
        from inbound_messages
       where sender in ('CUSTOMER', 'PARTNER') and created_at >= ${p.sinceMs}
             -- business: and business_id = (the business id)
      union all
      select market_chat_id, delivered_at, 'shop', null
        from relays
       where state = 'delivered' and delivered_at >= ${p.sinceMs} and market_message_id is null
             -- business: and business_id = (the business id)
    )
    order by market_chat_id, at, ord is null, ord`);
}

export interface WaitingChatRow {
  marketChatId: number;
  type: string;
  contextType: string;
  orderId: number | null;
  returnId: number | null;
  customerName: string | null;
  /** The first buyer message after the shop's last reply (Unix ms); null for a dispute without one. */
  waitingSince: number | null;
}

/**
 * Chats still waiting for the shop, oldest wait first: a buyer message with no shop message after it, or an open
 * dispute. A minimal stand-in for desk-a's listWaiting (src/db/waits.ts), swapped in when the branches merge.
 */
export function waitingChats(db: Db, p: { businessId: number; limit: number }): WaitingChatRow[] {
  void p.businessId;
  return db.all<WaitingChatRow>(sql`
    with shop as (
      select market_chat_id, max(at) as at from (
        select market_chat_id, created_at as at from inbound_messages where sender = 'PARTNER'
        union all
        select market_chat_id, delivered_at from relays where state = 'delivered'
      ) group by market_chat_id
    ),
    waits as (
      select i.market_chat_id, min(i.created_at) as since
        from inbound_messages i left join shop s on s.market_chat_id = i.market_chat_id
       where i.sender = 'CUSTOMER' and i.created_at > coalesce(s.at, 0)
       group by i.market_chat_id
    )
    select c.market_chat_id as marketChatId, c.type, c.context_type as contextType, c.order_id as orderId,
           c.return_id as returnId, c.customer_name as customerName, w.since as waitingSince
      from market_chats c left join waits w on w.market_chat_id = c.market_chat_id
     where c.status <> 'FINISHED' and (w.since is not null or c.type = 'ARBITRAGE')
           -- business: and c.business_id = (the business id)
     order by w.since is null, w.since, c.market_chat_id
     limit ${p.limit}`);
}

/** How many chats waitingChats would list without a limit. */
export function countWaitingChats(db: Db, p: { businessId: number }): number {
  return waitingChats(db, { businessId: p.businessId, limit: 1_000_000 }).length;
}
