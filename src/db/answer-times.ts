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
  return db.all<AnswerEventRow>(sql`
    select market_chat_id as marketChatId, at, by from (
      select market_chat_id, created_at as at, case sender when 'CUSTOMER' then 'buyer' else 'shop' end as by,
             market_message_id as ord
        from inbound_messages
       where sender in ('CUSTOMER', 'PARTNER') and created_at >= ${p.sinceMs} and business_id = ${p.businessId}
         -- The AWAY_MESSAGE auto-reply is no answer of the team's.
         and not exists (select 1 from relays ar join away_replies aw on aw.tg_chat_id = ar.tg_chat_id and aw.tg_message_id = ar.tg_message_id
                          where ar.business_id = inbound_messages.business_id and ar.market_chat_id = inbound_messages.market_chat_id
                            and ar.market_message_id = inbound_messages.market_message_id)
      union all
      select market_chat_id, delivered_at, 'shop', null
        from relays
       where state = 'delivered' and delivered_at >= ${p.sinceMs} and market_message_id is null and business_id = ${p.businessId}
         and not exists (select 1 from away_replies aw where aw.tg_chat_id = relays.tg_chat_id and aw.tg_message_id = relays.tg_message_id)
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
