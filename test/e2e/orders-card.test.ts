/**
 * The order in the chat card (issue 12): over real HTTP against the fake Market (getBusinessOrders validated
 * against the spec, answers included) and the fake Telegram, with a real SQLite file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { ADMIN, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, inbound, settle, syncHarness, syncNow } from '../helpers/sync.js';
import type { FakeOrder } from '../fakes/market-orders.js';

const SECRET = 'orders_test-secret-5f2c19ab';
const ORDER_SCOPE = ['COMMUNICATION', 'INVENTORY_AND_ORDER_PROCESSING_READ_ONLY'];
const DAY_MS = 24 * 60 * 60_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The topic's first post (the chat card) as it reads now, edits applied. */
function cardOf(x: Harness, threadId: number): Message {
  return x.tg.botMessages(GROUP_ID, threadId)[0]!;
}

function threadOf(x: Harness, marketChatId: number): number {
  const row = x.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', marketChatId)[0];
  if (!row) throw new Error(`no topic for chat ${marketChatId}`);
  return row.tg_thread_id;
}

/** Waits until the card of `marketChatId` contains `needle`; returns its text. */
async function cardWith(x: Harness, marketChatId: number, needle: string, timeoutMs = 5000): Promise<string> {
  return x.until(
    () => {
      const row = x.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', marketChatId)[0];
      const text = row ? (cardOf(x, row.tg_thread_id).text ?? '') : '';
      return text.includes(needle) ? text : undefined;
    },
    timeoutMs,
    `the card of chat ${marketChatId} to contain "${needle}"`,
  );
}

function editsOf(x: Harness, messageId: number): number {
  return x.tg.calls.filter((c) => c.method === 'editMessageText' && c.params.message_id === messageId).length;
}

async function postNotification(x: Harness, body: unknown): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${x.bridge!.ports.notify!}/${SECRET}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

function statusUpdated(o: FakeOrder, at = new Date()) {
  return {
    notificationType: 'ORDER_STATUS_UPDATED',
    orderId: o.orderId,
    campaignId: o.campaignId,
    status: o.status,
    substatus: o.substatus,
    updatedAt: at.toISOString(),
  };
}

/** A chat about a new order with two items, an interval delivery and a track code. */
function chatWithOrder(x: Harness, customerName = 'Ivan') {
  const chat = x.market.addChat({ customerName });
  const order = x.market.orders.add({
    orderId: chat.context.orderId!,
    status: 'PROCESSING',
    substatus: 'READY_TO_SHIP',
    items: [
      { name: 'Phone case', count: 2, price: 990 },
      { name: 'USB-C cable', count: 1, price: 350 },
    ],
    prices: { payment: { value: 2330, currencyId: 'RUR' } },
    delivery: {
      type: 'DELIVERY',
      serviceName: 'Market courier',
      deliveryServiceId: 1005,
      deliveryPartnerType: 'YANDEX_MARKET',
      dates: { fromDate: '2026-12-05', toDate: '2026-12-07', fromTime: '10:00:00+03:00', toTime: '14:00:00+03:00' },
      tracks: [{ trackCode: 'YM-TRACK-42', deliveryServiceId: 1005 }],
    },
  });
  x.market.addMessage(chat.chatId, { message: 'Where is my order?' });
  return { chat, order };
}

describe('the order in the chat card', () => {
  it('shows items, status words, delivery, tracking and the cabinet link; the key is checked once at start', async () => {
    ({ h } = await syncHarness({ market: { scopes: ORDER_SCOPE } }));
    const { chat, order } = chatWithOrder(h);
    await syncNow(h, chat.chatId);

    const text = await cardWith(h, chat.chatId, 'Phone case').catch((err: unknown) => {
      if (process.env.DEBUG_ORDERS) console.log(h!.logs.filter((l) => /order/i.test(l)).join(''), h!.market.requests.map((r) => [r.operationId, r.status, r.fault]), h!.market.violations);
      throw err;
    });
    expect(text).toContain(`Market chat ${chat.chatId}`); // the chat part stays
    expect(text).toContain(`📦 Order ${order.orderId}`);
    expect(text).toContain('Status: processing · packed, ready to ship');
    expect(text).toContain('• Phone case × 2 — 1\u00a0980\u00a0₽');
    expect(text).toContain('• USB-C cable × 1 — 350\u00a0₽');
    expect(text).toContain('Total: 2\u00a0330\u00a0₽');
    expect(text).toContain('Delivery: courier · Market courier, 2026-12-05 10:00–14:00 – 2026-12-07');
    expect(text).toContain('Tracking: YM-TRACK-42');
    expect(text).toContain(`In the cabinet: https://partner.market.yandex.ru/supplier/${h.market.campaignId}/orders/${order.orderId}`);

    // One read of the key's scopes (the start-up check's), one order read, sent as background work.
    expect(h.market.count('getAuthTokenInfo')).toBe(1);
    const reads = h.requestsOf('getBusinessOrders');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.body).toEqual({ orderIds: [order.orderId] });
    expect(reads[0]!.path).toBe(`/v1/businesses/${h.market.businessId}/orders`);

    // Replies to the card still go to the buyer.
    const thread = threadOf(h, chat.chatId);
    const reply = h.tg.userSends({ chatId: GROUP_ID, threadId: thread, from: ADMIN, text: 'Ships today.', replyTo: cardOf(h, thread).message_id });
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Ships today.']);
  });

  it('a return chat shows its order, found in an older window when Market’s 30-day default leaves it out', async () => {
    ({ h } = await syncHarness({ market: { scopes: ['ALL_METHODS'] } }));
    const order = h.market.orders.add({
      createdAtMs: Date.now() - 45 * DAY_MS,
      status: 'DELIVERED',
      substatus: 'DELIVERY_SERVICE_DELIVERED',
      items: [{ name: 'Kettle', count: 1, price: 2490 }],
      delivery: {
        type: 'PICKUP',
        serviceName: 'Market pickup point',
        deliveryServiceId: 1006,
        deliveryPartnerType: 'YANDEX_MARKET',
        dates: { fromDate: '2026-10-20', realDeliveryDate: '2026-10-21' },
      },
    });
    const chat = h.market.addChat({
      context: { type: 'RETURN', orderId: order.orderId, returnId: 880011, campaignId: h.market.campaignId, customer: { name: 'Pyotr' } },
    });
    h.market.addMessage(chat.chatId, { message: 'The kettle leaks, I want to return it.' });
    await syncNow(h, chat.chatId);

    const text = await cardWith(h, chat.chatId, 'Kettle');
    expect(text).toContain(`Return: 880011 (order ${order.orderId})`);
    expect(text).toContain(`📦 Order ${order.orderId}`);
    expect(text).toContain('Status: received by the buyer · delivered by the delivery service');
    expect(text).toContain('• Kettle × 1 — 2\u00a0490\u00a0₽');
    expect(text).toContain('Delivered: 2026-10-21');
    expect(text).not.toContain('Tracking:');
    // Default window (nothing), test orders (nothing), then 30-day windows back from the day after the chat began.
    const bodies = h.requestsOf('getBusinessOrders').map((r) => r.body as { dates?: unknown; fake?: boolean });
    expect(bodies[0]).toEqual({ orderIds: [order.orderId] });
    expect(bodies[1]).toEqual({ orderIds: [order.orderId], fake: true });
    expect(bodies.slice(2).every((b) => b.dates !== undefined)).toBe(true);
    expect(bodies.length).toBeLessThanOrEqual(5);
  });

  it('leaves out an UNKNOWN substatus, and says when Market does not return the order', async () => {
    ({ h } = await syncHarness({ market: { scopes: ORDER_SCOPE } }));
    const { chat, order } = chatWithOrder(h);
    h.market.orders.update(order.orderId, { substatus: 'UNKNOWN' });
    await syncNow(h, chat.chatId);
    await cardWith(h, chat.chatId, 'Status: processing\n');

    const lost = h.market.addChat({ customerName: 'Lena' }); // no order seeded
    h.market.addMessage(lost.chatId, { message: 'Hello' });
    await syncNow(h, lost.chatId);
    await cardWith(h, lost.chatId, `Order ${lost.context.orderId}: Market did not return this order`);
  });

  it('is edited when ORDER_STATUS_UPDATED arrives, and not edited when nothing shown changed', async () => {
    ({ h } = await syncHarness({
      market: { scopes: ORDER_SCOPE },
      env: { MARKET_NOTIFY_PORT: '0', MARKET_NOTIFY_SECRET: SECRET },
    }));
    const { chat, order } = chatWithOrder(h);
    await syncNow(h, chat.chatId);
    await cardWith(h, chat.chatId, 'packed, ready to ship');
    const card = cardOf(h, threadOf(h, chat.chatId));
    const editsBefore = editsOf(h, card.message_id);

    const shipped = h.market.orders.update(order.orderId, { status: 'DELIVERY', substatus: 'LAST_MILE_STARTED' });
    expect(await postNotification(h, statusUpdated(shipped))).toBe(200);
    const text = await cardWith(h, chat.chatId, 'Status: handed to delivery · out for delivery');
    expect(text).toContain('• Phone case × 2');
    expect(editsOf(h, card.message_id)).toBe(editsBefore + 1);
    expect(h.requestsOf('getBusinessOrders')).toHaveLength(2);

    // Market sends it again (another time stamp): the order is read, nothing shown changed, no edit.
    expect(await postNotification(h, statusUpdated(shipped, new Date(Date.now() + 1000)))).toBe(200);
    await h.until(() => h!.requestsOf('getBusinessOrders').length === 3 && h!.requestsOf('getBusinessOrders')[2]!.status === 200);
    await inbound(h).orders.refreshNow();
    await settle(h);
    expect(editsOf(h, card.message_id)).toBe(editsBefore + 1);

    // An order the bridge has no card for costs no Market request.
    expect(await postNotification(h, { ...statusUpdated(shipped), orderId: 99_999_999 })).toBe(200);
    await inbound(h).orders.refreshNow();
    expect(h.requestsOf('getBusinessOrders')).toHaveLength(3);
  });

  it('ORDER_UPDATED (a new delivery date) is read too; a 403 on a read stops order reads, replies go on', async () => {
    ({ h } = await syncHarness({
      market: { scopes: ORDER_SCOPE },
      env: { MARKET_NOTIFY_PORT: '0', MARKET_NOTIFY_SECRET: SECRET },
    }));
    const { chat, order } = chatWithOrder(h);
    await syncNow(h, chat.chatId);
    await cardWith(h, chat.chatId, '2026-12-05');

    const moved = h.market.orders.update(order.orderId, {
      delivery: { ...order.delivery, dates: { fromDate: '2026-12-09' }, tracks: order.delivery.tracks },
    });
    const updated = { notificationType: 'ORDER_UPDATED', orderId: moved.orderId, campaignId: moved.campaignId, updateType: 'DELIVERY_DATE_UPDATED', updatedAt: new Date().toISOString() };
    expect(await postNotification(h, updated)).toBe(200);
    const text = await cardWith(h, chat.chatId, 'Delivery: courier · Market courier, 2026-12-09');
    expect(text).not.toContain('2026-12-05');

    // The scope is taken away in the cabinet: Market answers 403; the bridge stops reading orders, the card stays.
    h.market.scopes = ['COMMUNICATION'];
    expect(await postNotification(h, { ...statusUpdated(moved), status: 'DELIVERY' })).toBe(200);
    await h.market.waitForRequest((r) => r.operationId === 'getBusinessOrders' && r.status === 403);
    expect(await postNotification(h, { ...statusUpdated(moved), status: 'PICKUP' })).toBe(200);
    await inbound(h).orders.refreshNow();
    expect(h.requestsOf('getBusinessOrders').filter((r) => r.status === 403)).toHaveLength(1);
    expect(cardOf(h, threadOf(h, chat.chatId)).text).toContain('2026-12-09');
    const reply = h.says(GROUP_ID, threadOf(h, chat.chatId), 'It comes on the 9th.');
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
  });

  it('refreshes open chats at most every 30 minutes, from stored times (also across a restart), several orders in one call', async () => {
    let now = Date.now();
    const orders = { now: () => now, tickMs: 30, batchDelayMs: 10 };
    ({ h } = await syncHarness({ market: { scopes: ORDER_SCOPE }, bridge: { inbound: { orders } } }));
    const a = chatWithOrder(h, 'Ivan');
    const b = chatWithOrder(h, 'Olga');
    await syncNow(h, a.chat.chatId);
    await syncNow(h, b.chat.chatId);
    await cardWith(h, a.chat.chatId, 'Phone case').catch((err: unknown) => {
      if (process.env.DEBUG_ORDERS) console.log(h!.logs.filter((l) => /order/i.test(l)).join(''), h!.market.requests.map((r) => [r.operationId, r.status, r.fault]), h!.market.violations, h!.rows('SELECT * FROM order_cards'));
      throw err;
    });
    await cardWith(h, b.chat.chatId, 'Phone case');
    const initial = h.requestsOf('getBusinessOrders').length;
    expect(initial).toBeLessThanOrEqual(2);
    const cardB = cardOf(h, threadOf(h, b.chat.chatId));
    const editsB = editsOf(h, cardB.message_id);

    // 29 minutes later: many ticks, no read.
    now += 29 * 60_000;
    await inbound(h).orders.refreshNow();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.requestsOf('getBusinessOrders')).toHaveLength(initial);

    // A restart keeps the stored times: still nothing before the 30 minutes are up.
    await h.restart({ inbound: { pacing: { groupPerMinute: 1e6, privatePerSecond: 1e6, globalPerSecond: 1e6 }, sync: { intervalMs: 60_000 }, orders } });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.requestsOf('getBusinessOrders')).toHaveLength(initial);

    // Past 30 minutes: both orders in one call; one shipped meanwhile, so only its card is edited.
    h.market.orders.update(a.order.orderId, { substatus: 'SHIPPED' });
    now += 2 * 60_000;
    await h.until(() => h!.requestsOf('getBusinessOrders').length > initial, 5000, 'the 30-minute refresh');
    const refresh = h.requestsOf('getBusinessOrders')[initial]!;
    expect((refresh.body as { orderIds: number[] }).orderIds.sort()).toEqual([a.order.orderId, b.order.orderId].sort());
    await cardWith(h, a.chat.chatId, 'Status: processing · shipped');
    await inbound(h).orders.refreshNow();
    await settle(h);
    expect(editsOf(h, cardB.message_id)).toBe(editsB);

    // A finished chat is no longer refreshed by the timer.
    h.market.setChatStatus(a.chat.chatId, 'FINISHED');
    h.market.setChatStatus(b.chat.chatId, 'FINISHED');
    await syncNow(h, a.chat.chatId);
    await syncNow(h, b.chat.chatId);
    const afterFinish = h.requestsOf('getBusinessOrders').length;
    now += 31 * 60_000;
    await inbound(h).orders.refreshNow();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.requestsOf('getBusinessOrders')).toHaveLength(afterFinish);
  });

  it('without an order scope: the first card says once which scope to add, nothing is read, replies work as before', async () => {
    ({ h } = await syncHarness({ market: { scopes: ['COMMUNICATION'] } }));
    const first = chatWithOrder(h, 'Ivan');
    const second = chatWithOrder(h, 'Olga');
    await syncNow(h, first.chat.chatId);
    await syncNow(h, second.chat.chatId);
    // Which card is posted first depends on the start-up scan; exactly one of them says it.
    const texts = [first, second].map((c) => cardOf(h!, threadOf(h!, c.chat.chatId)).text!);
    const telling = texts.filter((t) => t.includes('the bot’s Api-Key can’t read orders'));
    expect(telling).toHaveLength(1);
    expect(telling[0]).toContain('inventory-and-order-processing');
    expect(texts.filter((t) => t.includes('📦'))).toHaveLength(1);

    // Once across a restart too.
    await h.restart();
    const third = chatWithOrder(h, 'Lena');
    await syncNow(h, third.chat.chatId);
    expect(cardOf(h, threadOf(h, third.chat.chatId)).text).not.toContain('Api-Key');

    expect(h.market.count('getBusinessOrders')).toBe(0);
    const thread = threadOf(h, first.chat.chatId);
    const reply = h.says(GROUP_ID, thread, 'We are on it.');
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
  });

  it('a 420 on orders never delays a seller’s reply, and order reads wait for Market’s window', async () => {
    ({ h } = await syncHarness({ market: { scopes: ORDER_SCOPE }, bridge: { marketTimeoutMs: 5_000 } }));
    const until = new Date(Date.now() + 3_600_000).toUTCString();
    h.market.failNext('getBusinessOrders', { kind: 'status', status: 420, headers: { 'X-RateLimit-Resource-Until': until } });
    const a = chatWithOrder(h, 'Ivan');
    await syncNow(h, a.chat.chatId);
    await h.market.waitForRequest((r) => r.operationId === 'getBusinessOrders' && r.status === 420);
    const thread = threadOf(h, a.chat.chatId);
    const reply = h.says(GROUP_ID, thread, 'Sorry for the wait!');
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    // Orders wait for Market's window; no more order reads meanwhile, the card shows the chat as before.
    await inbound(h).orders.refreshNow();
    expect(h.market.count('getBusinessOrders')).toBe(1);
    expect(cardOf(h, thread).text).not.toContain('📦');
  });

  it('a slow order read does not hold a reply: the reply is answered while the read is still out', async () => {
    ({ h } = await syncHarness({ market: { scopes: ORDER_SCOPE }, bridge: { marketTimeoutMs: 5_000 } }));
    const a = chatWithOrder(h, 'Ivan');
    h.market.failNext('getBusinessOrders', { kind: 'delay', ms: 1500 });
    await syncNow(h, a.chat.chatId);
    const read = await h.market.waitForRequest((r) => r.operationId === 'getBusinessOrders');
    const thread = threadOf(h, a.chat.chatId);
    const reply = h.says(GROUP_ID, thread, 'Checking now.');
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    const send = h.sends(a.chat.chatId)[0]!;
    expect(read.endedAt === undefined || send.endedAt! < read.endedAt).toBe(true);
    await cardWith(h, a.chat.chatId, 'Phone case');
  });

  it('in reply-chain mode the order gets its own card, posted once and edited, and replying to it answers the buyer', async () => {
    ({ h } = await syncHarness({
      target: 'private',
      market: { scopes: ORDER_SCOPE },
      env: { MARKET_NOTIFY_PORT: '0', MARKET_NOTIFY_SECRET: SECRET },
    }));
    const { chat, order } = chatWithOrder(h);
    await syncNow(h, chat.chatId);
    const card = await h.tg.waitForBotMessage((m) => (m.text ?? '').includes(`📦 Order ${order.orderId}`));
    expect(card.text).toContain(`(chat ${chat.chatId})`);
    expect(card.text).toContain('Tracking: YM-TRACK-42');

    const cancelled = h.market.orders.update(order.orderId, { status: 'CANCELLED', substatus: 'USER_CHANGED_MIND' });
    expect(await postNotification(h, statusUpdated(cancelled))).toBe(200);
    await h.until(() => h!.tg.botMessages(ADMIN.id).find((m) => m.message_id === card.message_id)?.text?.includes('cancelled · the buyer changed their mind'));

    // Another buyer message: the card is not posted again.
    h.market.addMessage(chat.chatId, { message: 'Why?' });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, ADMIN.id).filter((t) => t.includes('📦 Order'))).toHaveLength(1);

    const reply = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: 'You cancelled it yourself.', replyTo: card.message_id });
    expect(await h.reacted(ADMIN.id, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['You cancelled it yourself.']);
  });
});
